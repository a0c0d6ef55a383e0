/* The join page: a device check (camera preview, microphone level, a test
   sound) and a countdown that speaks only at milestones, never every second.
   Without JavaScript the page gives the same instructions and the link. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 100); }
  }

  // "You can join in 1 minute / 2 minutes / 3 hours / 2 days": the unit that reads best,
  // and the plural form the page's language asks for (Greek and English: one, other).
  function timeLeft(section, minutes) {
    var unit = "minutes", count = minutes;
    if (minutes > 120) { unit = "hours"; count = Math.ceil(minutes / 60); }
    if (minutes > 48 * 60) { unit = "days"; count = Math.ceil(minutes / (24 * 60)); }
    var form = "other";
    if (window.Intl && Intl.PluralRules) {
      form = new Intl.PluralRules(document.documentElement.lang).select(count) === "one" ? "one" : "other";
    } else if (count === 1) {
      form = "one";
    }
    return section.getAttribute("data-text-" + unit + "-" + form).replace("COUNT", String(count));
  }

  function countdown(section) {
    var element = document.querySelector("[data-countdown]");
    if (!element || !section) { return; }
    var opensAt = Date.now() + parseInt(element.getAttribute("data-countdown"), 10) * 1000;
    var spoken = {};
    element.hidden = false;
    function tick() {
      var left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
      var minutes = Math.ceil(left / 60);
      if (left === 0) {
        element.textContent = section.getAttribute("data-text-open");
        announce(element.textContent);
        return;
      }
      element.textContent = timeLeft(section, minutes);
      // Spoken at 10, 5 and 1 minutes left; shown every minute.
      if ((minutes === 10 || minutes === 5 || minutes === 1) && !spoken[minutes]) {
        spoken[minutes] = true;
        announce(element.textContent);
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function deviceCheck(section) {
    if (!section || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    section.hidden = false;
    var status = section.querySelector("[data-check-status]");
    var meter = section.querySelector("[data-meter]");
    var preview = section.querySelector("[data-preview]");
    section.querySelector("[data-start-check]").addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({video: true, audio: true}).then(function (stream) {
        preview.srcObject = stream;
        preview.hidden = false;
        preview.play();
        var AudioContext = window.AudioContext || window.webkitAudioContext;
        if (AudioContext) {
          var context = new AudioContext();
          var analyser = context.createAnalyser();
          context.createMediaStreamSource(stream).connect(analyser);
          var samples = new Uint8Array(analyser.fftSize);
          (function measure() {
            analyser.getByteTimeDomainData(samples);
            var peak = 0;
            for (var i = 0; i < samples.length; i += 1) { peak = Math.max(peak, Math.abs(samples[i] - 128)); }
            meter.value = Math.min(100, Math.round(peak / 128 * 100 * 2));
            window.requestAnimationFrame(measure);
          }());
        }
        status.textContent = section.getAttribute("data-text-working");
        announce(status.textContent);
      }).catch(function () {
        status.textContent = section.getAttribute("data-text-refused");
        announce(status.textContent);
      });
    });
    section.querySelector("[data-speaker-test]").addEventListener("click", function () {
      var AudioContext = window.AudioContext || window.webkitAudioContext;
      if (!AudioContext) { return; }
      var context = new AudioContext();
      var tone = context.createOscillator();
      tone.frequency.value = 440;
      tone.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 1);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-device-check]");
    deviceCheck(section);
    countdown(section);
  });
}());
