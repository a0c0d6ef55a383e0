/* The video call (templates/call/room.html): pictures and sound through Janus's VideoRoom, the
   messages through its TextRoom. Nothing starts before "Join the call" is pressed: no camera, no
   microphone, no sound (the press is the user gesture that lets remote sound play).
   Every word comes from the page (data-text-* on #call); NAME and TEXT in them are filled in here.
   For the browser tests only: window.kepwebCall = {peerConnections(), publisherHandle(), state}. */
(function () {
  "use strict";

  var VIDEOROOM = "janus.plugin.videoroom";
  var TEXTROOM = "janus.plugin.textroom";
  // Janus's refusals of a token or a room (VideoRoom: 426 no such room, 428 no such feed,
  // 433 unauthorized; TextRoom: 417 no such room, 419 unauthorized), and of an id already in use.
  var REFUSED = [426, 428, 433, 417, 419];
  var ALREADY_IN = [436, 420];

  var root, config, people = {}, byUsername = {};
  var state = "ready";
  var janus = null, publisher = null, chat = null, privateId = null;
  var subscribers = {};   // feed id -> {handle, stream, tile, videoMids}
  var present = {};       // feed ids of the others now in the room
  var transactions = {};  // TextRoom transaction -> {success, error}
  var own = {tile: null, audio: null, video: null};
  var soundOnly = false, cameraOff = false, busy = false;

  function text(name) { return root.getAttribute("data-text-" + name) || ""; }

  function fill(template, values) {
    return template.replace(/NAME|TEXT/g, function (key) { return values[key]; });
  }

  function find(selector) { return root.querySelector(selector); }

  // The layout's one polite live region. Messages close together are said one after the other.
  var queue = [], speaking = false;
  function announce(sentence) {
    if (!sentence) { return; }
    queue.push(sentence);
    if (!speaking) { speakNext(); }
  }
  function speakNext() {
    var region = document.getElementById("announcer");
    var sentence = queue.shift();
    if (!region || sentence === undefined) { speaking = false; return; }
    speaking = true;
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = sentence;
      window.setTimeout(speakNext, 1500);
    }, 100);
  }

  // A problem: its sentence at the top of the page, and focus there, so that it is read.
  function showProblem(sentence) {
    var problem = find("[data-call-problem]");
    find("[data-call-problem-text]").textContent = sentence;
    problem.hidden = false;
    problem.focus();
  }
  function hideProblem() { find("[data-call-problem]").hidden = true; }

  function setPressed(button, pressed) {
    if (button) { button.setAttribute("aria-pressed", pressed ? "true" : "false"); }
  }

  // --- Pictures -----------------------------------------------------------------------------

  function newTile(caption) {
    var tile = find("template[data-call-tile]").content.firstElementChild.cloneNode(true);
    tile.querySelector("figcaption").textContent = caption;
    tile.querySelector(".kepweb-call__no-picture").textContent = text("no-picture");
    showPicture(tile, false);
    return tile;
  }

  // Never a blank video: without a picture, the tile says so.
  function showPicture(tile, on) {
    var video = tile.querySelector("video");
    video.hidden = !on;
    tile.querySelector(".kepweb-call__no-picture").hidden = on;
    if (on) { video.play().catch(function () { /* played once the track starts */ }); }
  }

  function ownTile() {
    if (own.tile) { return own.tile; }
    own.tile = newTile(text("you"));
    own.tile.classList.add("kepweb-call__tile--own");
    // One's own picture is never shown large: no button for it (a hidden one would still be a nameless button).
    own.tile.removeChild(own.tile.querySelector(".kepweb-call__pin"));
    var video = own.tile.querySelector("video");
    video.muted = true;
    video.autoplay = true;
    find("[data-call-tiles]").appendChild(own.tile);
    return own.tile;
  }

  function remoteTile(feed) {
    var person = people[feed];
    var tile = newTile(person.caption);
    tile.setAttribute("data-feed", String(feed));
    tile.querySelector("video").autoplay = true;
    var pin = tile.querySelector(".kepweb-call__pin");
    pin.querySelector("[data-call-pin-label]").textContent = fill(text("show-large"), {NAME: person.caption});
    pin.hidden = false;
    pin.addEventListener("click", function () { togglePin(tile, pin); });
    var tiles = find("[data-call-tiles]");
    // Sign language must be seen: the interpreter's picture comes first, and is offered large first.
    var first = tiles.querySelector(".kepweb-call__tile--pinned") ? tiles.firstElementChild.nextElementSibling
      : tiles.firstElementChild;
    tiles.insertBefore(tile, person.role === "interpreter" ? first : own.tile);
    find("[data-call-waiting]").hidden = true;
    return tile;
  }

  function togglePin(tile, button) {
    var tiles = find("[data-call-tiles]");
    var pinned = button.getAttribute("aria-pressed") !== "true";
    Array.prototype.forEach.call(tiles.querySelectorAll(".kepweb-call__tile"), function (other) {
      other.classList.remove("kepweb-call__tile--pinned");
      setPressed(other.querySelector(".kepweb-call__pin"), false);
    });
    if (pinned) {
      tile.classList.add("kepweb-call__tile--pinned");
      tiles.insertBefore(tile, tiles.firstElementChild);
      // Moving a video pauses it; focus stays on the button that was pressed.
      var video = tile.querySelector("video");
      if (!video.hidden) { video.play().catch(function () { /* nothing to play yet */ }); }
      button.focus();
    }
    setPressed(button, pinned);
  }

  // --- The VideoRoom: publishing our own picture and sound ----------------------------------------

  function attachPublisher() {
    janus.attach({
      plugin: VIDEOROOM,
      success: function (handle) {
        publisher = handle;
        handle.send({message: {request: "join", ptype: "publisher", room: config.room, id: config.feedId,
                               display: config.displayName, token: config.token}});
      },
      error: function () { fail("unreachable"); },
      onmessage: onPublisherMessage,
      onlocaltrack: function (track, on) {
        if (track.kind === "audio") { own.audio = on ? track : null; return; }
        own.video = on ? track : null;
        var video = ownTile().querySelector("video");
        if (on) { video.srcObject = new MediaStream([track]); }
        showPicture(own.tile, on);
      },
      onremotetrack: function () { /* a publisher receives nothing */ }
    });
  }

  function onPublisherMessage(message, jsep) {
    var event = message.videoroom;
    if (message.error_code || event === "destroyed") {
      fail(event === "destroyed" ? "ended" : refusal(message.error_code));
      return;
    }
    if (event === "joined") {
      privateId = message.private_id;
      enterRoom();
      publish();
      (message.attendees || []).forEach(function (attendee) { arrived(attendee.id, false); });
      (message.publishers || []).forEach(function (other) { arrived(other.id, false); published(other); });
    } else if (event === "event") {
      if (message.joining) { arrived(message.joining.id, true); }
      (message.publishers || []).forEach(function (other) { arrived(other.id, true); published(other); });
      if (message.unpublished && message.unpublished !== "ok") { unsubscribe(message.unpublished); }
      if (message.leaving === "ok" && message.reason === "kicked") { fail("refused"); return; }
      if (message.leaving && message.leaving !== "ok") { departed(message.leaving); }
      if (message.kicked) { departed(message.kicked); }
    }
    if (jsep) { publisher.handleRemoteJsep({jsep: jsep}); }
  }

  function refusal(code) {
    if (REFUSED.indexOf(code) >= 0) { return "refused"; }
    if (ALREADY_IN.indexOf(code) >= 0) { return "already-in"; }
    return "connection-lost";
  }

  function publish() {
    publisher.createOffer({
      tracks: [{type: "audio", capture: true, recv: false}, {type: "video", capture: true, recv: false}],
      success: function (jsep) {
        publisher.send({message: {request: "configure", audio: true, video: true}, jsep: jsep});
        announce(text("joined-self"));
      },
      error: function () {
        // Refused or missing devices: still in the call, seeing and reading the others.
        showPicture(ownTile(), false);
        showProblem(text("media-refused"));
      }
    });
  }

  function videoMid(handle) {
    var pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
    var transceiver = pc && pc.getTransceivers().find(function (t) { return t.receiver.track.kind === "video"; });
    return transceiver ? transceiver.mid : null;
  }

  // Stop sending our picture (the camera's light goes off), or start again: a renegotiation,
  // so that the others' pages learn that the picture is gone and say so.
  function sendPicture(on, done) {
    var mid = videoMid(publisher);
    if (!publisher || mid === null) { done(false); return; }
    var track = on ? {type: "video", mid: mid, capture: true, replace: true, recv: false}
      : {type: "video", mid: mid, remove: true, recv: false};
    publisher.createOffer({
      tracks: [track],
      success: function (jsep) {
        publisher.send({message: {request: "configure", video: on}, jsep: jsep});
        done(true);
      },
      error: function () {
        if (on) { showProblem(text("media-refused")); }
        done(false);
      }
    });
  }

  // --- The VideoRoom: one subscriber handle for each other person's picture and sound -------------

  function arrived(feed, announceIt) {
    if (feed === config.feedId || present[feed] || !people[feed]) { return; }
    present[feed] = true;
    if (announceIt) { announce(fill(text("joined"), {NAME: people[feed].caption})); }
  }

  function departed(feed) {
    unsubscribe(feed);
    if (!present[feed]) { return; }
    delete present[feed];
    announce(fill(text("left"), {NAME: people[feed].caption}));
    find("[data-call-waiting]").hidden = Object.keys(present).length > 0;
  }

  // A publisher's streams, when it starts and each time it changes them: a camera turned off, or
  // sound only, is a video stream marked disabled. (The receiving browser is not told otherwise:
  // the last picture would stay frozen on the screen.)
  function published(other) {
    subscribe(other.id);
    var subscriber = subscribers[other.id];
    if (!subscriber) { return; }
    subscriber.sendsPicture = (other.streams || []).some(function (stream) {
      return stream.type === "video" && !stream.disabled;
    });
    updatePicture(subscriber);
  }

  function updatePicture(subscriber) {
    showPicture(subscriber.tile, subscriber.sendsPicture && !soundOnly && subscriber.stream.getVideoTracks().length > 0);
  }

  function subscribe(feed) {
    // Only the people invited to this booking's call are shown, each under the name the KEP knows.
    if (feed === config.feedId || subscribers[feed] || !people[feed]) { return; }
    var subscriber = {handle: null, stream: new MediaStream(), tile: remoteTile(feed), videoMids: [], sendsPicture: true};
    subscribers[feed] = subscriber;
    subscriber.tile.querySelector("video").srcObject = subscriber.stream;
    janus.attach({
      plugin: VIDEOROOM,
      success: function (handle) {
        subscriber.handle = handle;
        handle.send({message: {request: "join", ptype: "subscriber", room: config.room, streams: [{feed: feed}],
                               private_id: privateId, token: config.token}});
      },
      error: function () { unsubscribe(feed); },
      onmessage: function (message, jsep) {
        if (message.streams) {
          subscriber.videoMids = message.streams.filter(function (stream) { return stream.type === "video"; })
            .map(function (stream) { return stream.mid; });
          if (soundOnly) { receivePictures(subscriber, false); }
        }
        if (!jsep) { return; }
        subscriber.handle.createAnswer({
          jsep: jsep,
          tracks: [{type: "data"}],
          success: function (answer) {
            subscriber.handle.send({message: {request: "start", room: config.room}, jsep: answer});
          },
          error: function () { showPicture(subscriber.tile, false); }
        });
      },
      onremotetrack: function (track, mid, on) {
        subscriber.stream.getTracks().forEach(function (old) {
          if (old.kind === track.kind) { subscriber.stream.removeTrack(old); }
        });
        if (on) { subscriber.stream.addTrack(track); }
        if (track.kind === "video") { updatePicture(subscriber); }
        if (on) { subscriber.tile.querySelector("video").play().catch(function () { /* no picture yet */ }); }
      }
    });
  }

  function unsubscribe(feed) {
    var subscriber = subscribers[feed];
    if (!subscriber) { return; }
    delete subscribers[feed];
    if (subscriber.handle) { subscriber.handle.detach(); }
    if (subscriber.tile.parentNode) { subscriber.tile.parentNode.removeChild(subscriber.tile); }
  }

  function receivePictures(subscriber, on) {
    if (subscriber.handle && subscriber.videoMids.length) {
      subscriber.handle.send({message: {request: "configure", streams: subscriber.videoMids.map(function (mid) {
        return {mid: mid, send: on};
      })}});
    }
    updatePicture(subscriber);
  }

  // --- The TextRoom: messages ----------------------------------------------------------------------

  function attachChat() {
    janus.attach({
      plugin: TEXTROOM,
      success: function (handle) {
        chat = handle;
        handle.send({message: {request: "setup"}});
      },
      error: function () { fail("unreachable"); },
      onmessage: function (message, jsep) {
        if (message.error_code) { fail(refusal(message.error_code)); return; }
        if (!jsep) { return; }
        chat.createAnswer({
          jsep: jsep,
          tracks: [{type: "data"}],
          success: function (answer) { chat.send({message: {request: "ack"}, jsep: answer}); },
          error: function () { fail("connection-lost"); }
        });
      },
      ondataopen: function () {
        sendChat({textroom: "join", room: config.room, username: config.chatUsername,
                  display: config.displayName, token: config.token},
                 function () { find("[data-chat-form]").hidden = false; },
                 function (answer) { fail(refusal(answer.error_code)); });
      },
      ondata: onChatData
    });
  }

  function sendChat(request, success, error) {
    if (!chat) { error({}); return; }
    request.transaction = Janus.randomString(12);
    transactions[request.transaction] = {success: success, error: error};
    chat.data({text: JSON.stringify(request), error: function () {
      delete transactions[request.transaction];
      error({});
    }});
  }

  function onChatData(data) {
    var message;
    try { message = JSON.parse(data); } catch (ignored) { return; }
    var waiting = message.transaction && transactions[message.transaction];
    if (waiting) {
      delete transactions[message.transaction];
      (message.textroom === "error" ? waiting.error : waiting.success)(message);
      return;
    }
    if (message.textroom === "message") {
      showMessage(message.from, message.date, message.text);
    } else if (message.textroom === "kicked" && message.username === config.chatUsername) {
      fail("refused");
    } else if (message.textroom === "destroyed") {
      fail("ended");
    }
  }

  function showMessage(username, date, words) {
    var person = byUsername[username];
    var sender = username === config.chatUsername ? text("you") : (person ? person.caption : username);
    var item = find("template[data-chat-message]").content.firstElementChild.cloneNode(true);
    var when = date ? new Date(date) : new Date();
    if (isNaN(when.getTime())) { when = new Date(); }
    item.querySelector(".kepweb-call__sender").textContent = sender;
    var time = item.querySelector("time");
    time.setAttribute("datetime", when.toISOString());
    time.textContent = when.toLocaleTimeString(document.documentElement.lang, {hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
    item.querySelector(".kepweb-call__text").textContent = words;
    find("[data-chat-messages]").appendChild(item);
    find("[data-chat-empty]").hidden = true;
    if (username !== config.chatUsername) {
      announce(fill(text("message"), {NAME: person ? person.caption : username, TEXT: words}));
    }
  }

  function onChatSubmit(event) {
    event.preventDefault();
    var field = find("[data-chat-form] textarea");
    var words = field.value.trim();
    if (!words) { return; }
    sendChat({textroom: "message", room: config.room, text: words},
             function () { field.value = ""; },
             function () { announce(text("chat-failed")); });
  }

  // --- Joining, the controls, leaving ------------------------------------------------------------------

  function readConfig() {
    var participants = JSON.parse(root.getAttribute("data-participants"));
    participants.forEach(function (person) {
      people[person.feed_id] = person;
      byUsername[person.chat_username] = person;
    });
    return {
      serverUrl: root.getAttribute("data-server-url"),
      iceServers: JSON.parse(root.getAttribute("data-ice-servers") || "[]"),
      room: Number(root.getAttribute("data-room")),
      token: root.getAttribute("data-token"),
      feedId: Number(root.getAttribute("data-feed-id")),
      chatUsername: root.getAttribute("data-chat-username"),
      displayName: root.getAttribute("data-display-name"),
      soundOnlyUrl: root.getAttribute("data-sound-only-url"),
      leaveUrl: root.getAttribute("data-leave-url")
    };
  }

  function join() {
    var button = find("[data-call-join]");
    if (state === "joining" || state === "joined") { return; }
    state = "joining";
    button.setAttribute("aria-disabled", "true");
    hideProblem();
    Janus.init({debug: window.__JANUS_DEBUG ? ["warn", "error", "log"] : false, callback: function () {
      janus = new Janus({
        server: config.serverUrl,
        iceServers: config.iceServers,
        success: function () { attachPublisher(); attachChat(); },
        error: function () { fail(state === "joined" ? "connection-lost" : "unreachable"); }
      });
    }});
  }

  function enterRoom() {
    state = "joined";
    find("[data-call-start]").hidden = true;
    find("[data-call-room]").hidden = false;
    find("[data-chat-form]").hidden = true;  // until the TextRoom lets us in
    ownTile();
    var heading = document.getElementById("call-people-title");
    heading.focus();
  }

  // Everything hung up; what is left on the page is the problem and the Join button, when trying again can help.
  function fail(problem) {
    if (state === "failed" || state === "left") { return; }
    var canRetry = problem === "unreachable" || problem === "connection-lost" || problem === "already-in";
    hangUp();
    state = "failed";
    find("[data-call-room]").hidden = true;
    var start = find("[data-call-start]");
    start.hidden = !canRetry;
    find("[data-call-join]").removeAttribute("aria-disabled");
    if (canRetry) { state = "ready"; }
    showProblem(text(problem));
  }

  function hangUp() {
    Object.keys(subscribers).forEach(unsubscribe);
    [own.audio, own.video].forEach(function (track) { if (track) { track.stop(); } });
    own = {tile: null, audio: null, video: null};
    present = {};
    transactions = {};
    var tiles = find("[data-call-tiles]");
    while (tiles.firstChild) { tiles.removeChild(tiles.firstChild); }
    if (janus) {
      var session = janus;
      janus = null;
      session.destroy({cleanupHandles: true, notifyDestroyed: false});
    }
    publisher = chat = null;
  }

  function leave() {
    var session = janus;
    state = "left";
    Object.keys(subscribers).forEach(unsubscribe);
    [own.audio, own.video].forEach(function (track) { if (track) { track.stop(); } });
    function go() { window.location.assign(config.leaveUrl); }
    if (!session) { go(); return; }
    janus = null;
    if (publisher) { publisher.send({message: {request: "leave"}}); }
    window.setTimeout(go, 2000);
    session.destroy({cleanupHandles: true, notifyDestroyed: false, success: go, error: go});
  }

  function toggleMicrophone(button) {
    if (!publisher) { return; }
    var off = button.getAttribute("aria-pressed") !== "true";
    if (off) { publisher.muteAudio(); } else { publisher.unmuteAudio(); }
    setPressed(button, off);
  }

  function toggleCamera(button) {
    if (!publisher || busy || soundOnly) { return; }
    var off = button.getAttribute("aria-pressed") !== "true";
    busy = true;
    sendPicture(!off, function (done) {
      busy = false;
      if (done) { cameraOff = off; setPressed(button, off); }
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers"))["X-CSRFToken"];
    } catch (ignored) {
      return "";
    }
  }

  // The server's sentence from a refusal: plain text, a problem+json's detail, or an HTML page's main words.
  function sentenceFrom(response) {
    return response.text().then(function (body) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") >= 0) {
        try { var problem = JSON.parse(body); return problem.detail || problem.title || ""; } catch (ignored) { return ""; }
      }
      if (type.indexOf("html") >= 0) {
        var page = new DOMParser().parseFromString(body, "text/html");
        var main = page.querySelector("[data-sound-only-refusal]") || page.querySelector("main p") || page.body;
        return main ? main.textContent.trim() : "";
      }
      return body.trim();
    }).catch(function () { return ""; });
  }

  function toggleSoundOnly(button) {
    if (!publisher || busy) { return; }
    var status = find("[data-call-sound-only-status]");
    if (button.getAttribute("aria-pressed") === "true") {
      soundOnlyMode(false, button, status);
      return;
    }
    busy = true;
    window.fetch(config.soundOnlyUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "fetch"}
    }).then(function (response) {
      busy = false;
      if (response.status === 204) { soundOnlyMode(true, button, status); return; }
      sentenceFrom(response).then(function (sentence) {
        status.textContent = (response.status === 409 && sentence) || text("sound-only-refused");
        announce(status.textContent);
      });
    }).catch(function () {
      busy = false;
      status.textContent = text("sound-only-refused");
      announce(status.textContent);
    });
  }

  function soundOnlyMode(on, button, status) {
    var camera = find("[data-call-toggle=camera]");
    soundOnly = on;
    setPressed(button, on);
    if (on) { camera.setAttribute("aria-disabled", "true"); } else { camera.removeAttribute("aria-disabled"); }
    Object.keys(subscribers).forEach(function (feed) { receivePictures(subscribers[feed], !on); });
    if (!cameraOff) {
      busy = true;
      sendPicture(!on, function () { busy = false; });
    }
    status.textContent = text(on ? "sound-only-on" : "sound-only-off");
    announce(status.textContent);
  }

  function peerConnections() {
    var handles = [publisher, chat].concat(Object.keys(subscribers).map(function (feed) {
      return subscribers[feed].handle;
    }));
    return handles.map(function (handle) { return handle && handle.webrtcStuff && handle.webrtcStuff.pc; })
      .filter(Boolean);
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("call");
    if (!root || !window.Janus) { return; }
    config = readConfig();
    // The publisher's handle too: the tests send it what any participant could send from the
    // browser's console (a request to record), to see the call server refuse it.
    window.kepwebCall = {peerConnections: peerConnections, publisherHandle: function () { return publisher; }};
    Object.defineProperty(window.kepwebCall, "state", {get: function () { return state; }});
    find("[data-call-join]").addEventListener("click", join);
    find("[data-call-leave]").addEventListener("click", leave);
    var toggles = {microphone: toggleMicrophone, camera: toggleCamera, "sound-only": toggleSoundOnly};
    Array.prototype.forEach.call(root.querySelectorAll("[data-call-toggle]"), function (button) {
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") !== "true") { toggles[button.getAttribute("data-call-toggle")](button); }
      });
    });
    var form = find("[data-chat-form]");
    form.addEventListener("submit", onChatSubmit);
    // Enter sends, Shift+Enter starts a new line, as in other chats.
    form.querySelector("textarea").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : onChatSubmit(event);
      }
    });
  });
}());
