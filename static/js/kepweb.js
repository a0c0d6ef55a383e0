/* kepweb: the little JavaScript the pages use. Everything works without it;
   it only moves focus and announces changes after htmx swaps content in. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) { return; }
    // Empty first, so that the same words said twice are announced twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text.trim(); }, 100);
  }

  function focusFirst(root, selector) {
    var element = root.querySelector(selector);
    if (!element) { return false; }
    if (!element.hasAttribute("tabindex")) { element.setAttribute("tabindex", "-1"); }
    element.focus();
    return true;
  }

  // The idle timeout (WCAG 2.2.1): two minutes before the session ends, a
  // warning takes focus and offers to stay signed in; at the end, the page
  // that explains what happened. Without JavaScript that page explains afterwards.
  function startWarningTimer(id) {
    var warning = document.getElementById(id);
    if (!warning || warning.getAttribute("data-timer-started")) { return; }
    warning.setAttribute("data-timer-started", "true");
    var warnBefore = parseInt(warning.getAttribute("data-warn-before"), 10);
    var lifetime = parseInt(warning.getAttribute("data-lifetime") || "0", 10);
    var expiredUrl = warning.getAttribute("data-expired-url");
    var form = warning.querySelector("form");
    var warnTimer, endTimer, focusBefore;

    function schedule(secondsLeft) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(function () { if (document.contains(warning)) { show(); } },
        Math.max(0, secondsLeft - warnBefore) * 1000);
      // A warning that htmx has swapped out is replaced by a fresh one with its own timers.
      endTimer = window.setTimeout(function () {
        if (document.contains(warning)) { window.location.assign(expiredUrl); }
      }, (secondsLeft + 1) * 1000);
    }
    function show() {
      focusBefore = document.activeElement;
      warning.hidden = false;
      warning.focus();
    }
    function hide() {
      warning.hidden = true;
      // Back where the citizen was; if that was nowhere (the body), to the
      // page's heading, so that focus is never lost.
      var back = focusBefore && focusBefore !== document.body && document.contains(focusBefore)
        ? focusBefore : document.querySelector("#main-content h1");
      if (back && back.focus) { back.focus(); }
    }
    if (!form) { schedule(parseInt(warning.getAttribute("data-seconds-left"), 10)); return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(form.action, {
        method: "POST", body: new window.FormData(form), credentials: "same-origin",
        headers: {"X-Requested-With": "fetch", "Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (answer) {
        // The next click extends from the new expiry (the server tells a repeated click by it).
        if (answer.expires_at) {
          Array.prototype.forEach.call(document.querySelectorAll("input[name=expires_at]"),
            function (input) { input.value = answer.expires_at; });
        }
        // The sentences say the new time; with no extension left, its buttons go.
        Object.keys(answer.sentences || {}).forEach(function (name) {
          Array.prototype.forEach.call(document.querySelectorAll("[data-hold-sentence='" + name + "']"),
            function (sentence) { sentence.textContent = answer.sentences[name]; });
        });
        if (answer.can_extend === false) {
          Array.prototype.forEach.call(document.querySelectorAll("[data-extends-hold]"),
            function (extend) { extend.parentNode.removeChild(extend); });
        }
        hide();
        schedule(answer.seconds_left);
      }).catch(function () { form.submit(); });
    });
    // Every htmx request to the server counts as activity there: start again.
    // A list that refreshes itself ([data-background-refresh]) is not the person: it keeps no session alive.
    if (lifetime) {
      document.addEventListener("htmx:afterRequest", function (event) {
        var source = event.detail && event.detail.elt;
        if (source && source.closest && source.closest("[data-background-refresh]")) { return; }
        schedule(lifetime);
      });
    }
    schedule(parseInt(warning.getAttribute("data-seconds-left"), 10));
  }

  // A form that books must not be sent twice by a double click (the server
  // would book once anyway, with its Idempotency-Key, but the citizen would wait twice).
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-submit-once]");
    if (!button) { return; }
    if (button.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
    window.setTimeout(function () { button.setAttribute("aria-disabled", "true"); }, 0);
  });

  function enhance() {
    startWarningTimer("session-warning");
    startWarningTimer("hold-warning");
    var print = document.querySelector("[data-print]");
    if (print && print.hidden) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  }

  // An error summary takes focus when the page loads, so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    focusFirst(document, "[data-error-summary]");
    enhance();
  });
  document.addEventListener("htmx:afterSettle", enhance);

  // Links that change what a page shows without changing the question (earlier
  // and later days) keep focus where the citizen was, not on the heading. When
  // that link is gone ("Earlier days" in the first week), focus goes where the
  // link points (#days), which is where the page scrolls to: on the heading
  // above it would be off screen.
  var keepFocusOn = null, keepFocusNear = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    var keep = source && source.hasAttribute && source.hasAttribute("data-keep-focus");
    keepFocusOn = keep ? source.id : null;
    keepFocusNear = keep && source.hash ? source.hash.slice(1) : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var targetId = event.detail.target && event.detail.target.id;
    var fresh = targetId && document.getElementById(targetId);
    // htmx fires afterSettle on each element it swapped in, the out-of-band
    // language switch too: act once, for the swap's own target, or the
    // live region would say every announcement twice.
    if (!fresh || event.target !== fresh) { return; }
    if (targetId === "main-content") {
      var kept = (keepFocusOn && document.getElementById(keepFocusOn))
        || (keepFocusNear && document.getElementById(keepFocusNear));
      keepFocusOn = keepFocusNear = null;
      if (kept) {
        kept.focus();
        announce(fresh.querySelector("#days") ? fresh.querySelector("#days").textContent : "");
      } else if (!focusFirst(fresh, "[data-error-summary]")) {
        // A new step: its error summary or its heading is read next.
        focusFirst(fresh, "h1");
      }
    }
    var message = fresh.querySelector("[data-announce]");
    if (message) { announce(message.textContent); }
  });
}());
