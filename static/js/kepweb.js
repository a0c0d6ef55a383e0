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

  // An error summary takes focus when the page loads, so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    focusFirst(document, "[data-error-summary]");
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var targetId = event.detail.target && event.detail.target.id;
    var fresh = targetId && document.getElementById(targetId);
    if (!fresh) { return; }
    if (targetId === "main-content") {
      // A new step: its error summary or its heading is read next.
      if (!focusFirst(fresh, "[data-error-summary]")) { focusFirst(fresh, "h1"); }
    }
    var message = fresh.querySelector("[data-announce]");
    if (message) { announce(message.textContent); }
  });
}());
