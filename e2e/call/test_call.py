"""The call page in real browsers: three Chromium pages with fake cameras and microphones join one
booking's room on a real Janus, see and hear each other, write to each other, and use every control;
a token that is not theirs, another booking's, or a cancelled booking's is refused; nobody records.

Runs inside its own network namespace (e2e/call/conftest.py says why and how)."""

from __future__ import annotations

import os
import time

import pytest

ROLES = ("citizen", "employee", "interpreter")
# A predicate given as an expression is eval'd, which the page's CSP forbids: given as a function it is not.
ARROW = "() => "
STATS = """async () => {
  const totals = {framesDecoded: 0, audioPackets: 0};
  for (const pc of window.kepwebCall.peerConnections()) {
    (await pc.getStats()).forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") totals.framesDecoded += report.framesDecoded || 0;
      if (report.type === "inbound-rtp" && report.kind === "audio") totals.audioPackets += report.packetsReceived || 0;
    });
  }
  return totals;
}"""


# The local and remote addresses of every connection's selected candidate pair, once each.
SELECTED_ADDRESSES = """async () => {
  const pairs = new Set();
  for (const pc of window.kepwebCall.peerConnections()) {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type !== "transport" || !report.selectedCandidatePairId) return;
      const pair = stats.get(report.selectedCandidatePairId);
      pairs.add(JSON.stringify([stats.get(pair.localCandidateId).address, stats.get(pair.remoteCandidateId).address]));
    });
  }
  return Array.from(pairs).map((pair) => JSON.parse(pair));
}"""


def open_page(browser, service, role, booking=None, token=None):
    """The person's own call page, in a browser signed in as them (a guest: that opened their link).
    With `token`, the page arrives carrying that token instead of its own, as if somebody had
    guessed or copied one."""
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    context.add_cookies([*service.cookies_for(role, booking),
                         {"name": "kepweb_lang", "value": "en", "url": service.url}])
    page = context.new_page()
    if token:
        # Before the page's own script reads its configuration (its listener comes later).
        page.add_init_script(f"""document.addEventListener("DOMContentLoaded", () => {{
            document.getElementById("call").dataset.token = {token!r}; }});""")
    page.goto(service.url_for(role, booking))
    return page


def joined(page):
    page.get_by_role("button", name="Join the call").click()
    page.wait_for_function(ARROW + "window.kepwebCall && window.kepwebCall.state === 'joined'")
    return page


def remote_videos_play(page, count):
    page.wait_for_function(ARROW +
        f"""Array.from(document.querySelectorAll('figure[data-feed] video'))
              .filter((video) => !video.hidden && video.videoWidth > 0).length >= {count}""", timeout=20000)


def announcements(page):
    """Everything the live region said, recorded as it happened."""
    return page.evaluate("window.__said || []")


def record_announcements(page):
    page.evaluate("""() => {
      window.__said = [];
      new MutationObserver(() => { const text = document.getElementById('announcer').textContent;
        if (text) window.__said.push(text); })
        .observe(document.getElementById('announcer'), {childList: true, characterData: true, subtree: true});
    }""")


@pytest.fixture
def three(call_service, call_browser):
    pages = {role: open_page(call_browser, call_service, role) for role in ROLES}
    for page in pages.values():
        record_announcements(page)
    yield pages
    for page in pages.values():
        page.context.close()


def test_nothing_starts_before_join(call_service, call_browser):
    page = open_page(call_browser, call_service, "citizen")
    try:
        assert page.evaluate("window.kepwebCall.state") == "ready"
        assert page.evaluate("window.kepwebCall.peerConnections().length") == 0
        assert page.locator("video").count() == 0
        page.keyboard.press("Tab")  # skip link
        focused = []
        for _ in range(8):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("document.activeElement.hasAttribute('data-call-join')"))
            if focused[-1]:
                break
        assert focused[-1], "the Join button is reached by keyboard"
    finally:
        page.context.close()


def test_three_people_see_and_hear_each_other_and_write(call_service, three, record_property):
    started = time.monotonic()
    for page in three.values():
        joined(page)
    for page in three.values():
        remote_videos_play(page, 2)
    first_frames = time.monotonic() - started
    before = {role: page.evaluate(STATS) for role, page in three.items()}
    time.sleep(2)
    for role, page in three.items():
        after = page.evaluate(STATS)
        assert after["framesDecoded"] > before[role]["framesDecoded"], role
        assert after["audioPackets"] > before[role]["audioPackets"], role
    # The media crosses the veth between the two hosts: from the browsers' address to Janus's.
    for page in three.values():
        assert page.evaluate(SELECTED_ADDRESSES) == [[os.environ["KEPWEB_CALL_PEER"], os.environ["KEPWEB_CALL_HOST"]]]
    # Captions come from the page's list of participants, with the role.
    names = call_service.names()
    captions = three["citizen"].locator("figure[data-feed] figcaption").all_text_contents()
    assert captions[0] == f"{names['interpreter']}, Greek Sign Language interpreter", captions  # interpreter first
    assert f"{names['employee']}, KEP employee" in captions

    citizen, employee = three["citizen"], three["employee"]
    citizen.get_by_label("Your message").fill("Καλημέρα, ακούτε;")
    citizen.get_by_role("button", name="Send the message").click()
    employee.wait_for_function(ARROW + "document.querySelector('[data-chat-messages]').textContent.includes('Καλ')")
    employee.wait_for_function(ARROW + "(window.__said || []).some((text) => text.includes('Καλημέρα'))")
    said = [text for text in announcements(employee) if "Καλημέρα" in text]
    assert said == ["Message from Μαρία Παπαδοπούλου, citizen: Καλημέρα, ακούτε;"], said
    item = employee.locator("[data-chat-messages] li").last
    assert "Μαρία Παπαδοπούλου, citizen" in item.text_content() and item.locator("time").get_attribute("datetime")
    assert citizen.get_by_label("Your message").input_value() == ""
    # The figure for the report (pytest --junitxml keeps it).
    record_property("seconds_from_join_to_first_remote_frames", round(first_frames, 1))


def test_joined_and_left_are_announced_and_leave_hangs_up(call_service, three):
    employee_name = f"{call_service.names()['employee']}, KEP employee"
    citizen, employee = joined(three["citizen"]), three["employee"]
    joined(employee)
    citizen.wait_for_function(ARROW +
        f"(window.__said || []).some((text) => text === '{employee_name} joined the call.')")
    remote_videos_play(citizen, 1)
    employee.get_by_role("button", name="Leave the call").click()
    employee.wait_for_url(f"**/staff/calls/{call_service.booking.reference}")  # back to record the outcome
    citizen.wait_for_function(ARROW +
        f"(window.__said || []).some((text) => text === '{employee_name} left the call.')")
    citizen.wait_for_function(ARROW + "document.querySelectorAll('figure[data-feed]').length === 0")


def test_microphone_camera_and_pin_are_toggle_buttons(call_service, three):
    citizen, interpreter = joined(three["citizen"]), joined(three["interpreter"])
    remote_videos_play(citizen, 1)
    microphone = citizen.get_by_role("button", name="Mute the microphone")
    microphone.click()
    assert microphone.get_attribute("aria-pressed") == "true"
    assert citizen.evaluate("""window.kepwebCall.peerConnections()[0].getSenders()
        .filter((sender) => sender.track && sender.track.kind === 'audio').every((sender) => !sender.track.enabled)""")
    microphone.click()
    assert microphone.get_attribute("aria-pressed") == "false"

    camera = interpreter.get_by_role("button", name="Turn off the camera")
    camera.click()
    interpreter.wait_for_function(ARROW + "document.querySelector('[data-call-toggle=camera]').ariaPressed === 'true'")
    # The citizen's page says there is no picture, rather than a frozen or blank one.
    citizen.wait_for_function(ARROW + """(() => { const tile = document.querySelector('figure[data-feed]');
        return tile.querySelector('video').hidden && !tile.querySelector('.kepweb-call__no-picture').hidden; })()""",
                              timeout=15000)
    camera.click()
    interpreter.wait_for_function(ARROW + "document.querySelector('[data-call-toggle=camera]').ariaPressed === 'false'")
    remote_videos_play(citizen, 1)

    interpreter_name = call_service.names()["interpreter"]
    pin = citizen.get_by_role("button", name=f"Show large: {interpreter_name}, Greek Sign Language interpreter")
    pin.focus()
    citizen.keyboard.press("Enter")
    assert pin.get_attribute("aria-pressed") == "true"
    assert citizen.evaluate("document.activeElement.classList.contains('kepweb-call__pin')")
    first_tile = citizen.locator("figure[data-feed]").first
    assert "kepweb-call__tile--pinned" in first_tile.get_attribute("class")
    citizen.keyboard.press("Space")
    assert pin.get_attribute("aria-pressed") == "false"


def test_sound_only_is_refused_before_the_identity_check_and_allowed_after(call_service, three):
    citizen, employee = joined(three["citizen"]), joined(three["employee"])
    remote_videos_play(citizen, 1)
    sound_only = citizen.get_by_role("button", name="Sound only")
    call_service.identity_checked = False
    sound_only.click()
    citizen.wait_for_function(ARROW + "document.querySelector('[data-call-sound-only-status]').textContent.length > 0")
    assert sound_only.get_attribute("aria-pressed") == "false"
    refusal = "Sound only is possible once the KEP employee has checked the identity document."
    assert citizen.locator("[data-call-sound-only-status]").text_content() == refusal
    citizen.wait_for_function(ARROW + f"(window.__said || []).includes({refusal!r})")

    call_service.identity_checked = True
    try:
        sound_only.click()
        citizen.wait_for_function(ARROW + "document.querySelector('[data-call-toggle=sound-only]').ariaPressed=='true'")
        citizen.wait_for_function(ARROW + "document.querySelector('figure[data-feed] video').hidden")
        # The others stop receiving the citizen's picture: their page says there is none.
        employee.wait_for_function(ARROW + """(() => { const tile = document.querySelector('figure[data-feed]');
            return tile.querySelector('video').hidden; })()""", timeout=15000)
    finally:
        call_service.identity_checked = False


def refused_on_joining(page):
    page.get_by_role("button", name="Join the call").click()
    problem = page.locator("[data-call-problem]")
    problem.wait_for(state="visible")
    assert page.evaluate("window.kepwebCall.state") != "joined"
    return problem.text_content()


def test_a_wrong_token_is_refused_with_a_sentence(call_service, call_browser):
    page = open_page(call_browser, call_service, "citizen", token="not-a-token-anybody-was-given")
    try:
        assert "no longer lets you into the call" in refused_on_joining(page)
        assert page.evaluate("document.activeElement.hasAttribute('data-call-problem')")
        assert page.locator("figure video:visible").count() == 0
    finally:
        page.context.close()


def test_another_bookings_token_does_not_open_this_room_and_a_cancelled_bookings_token_opens_none(
        call_service, call_browser):
    other = call_service.book("child-benefit")  # Maria's second call, at the next free time
    # Ten minutes before it: its page opens, and the citizen may still cancel it.
    call_service.move_clock_into_the_call(other, minutes_after_start=-10)
    other_page = open_page(call_browser, call_service, "citizen", other)
    other_token = other_page.locator("#call").get_attribute("data-token")
    call_service.move_clock_into_the_call(call_service.booking)
    page = open_page(call_browser, call_service, "citizen", token=other_token)
    try:
        assert "no longer lets you into the call" in refused_on_joining(page)
        # Cancelled: the API destroys its room at once, so the token its own page carries opens nothing.
        call_service.move_clock_into_the_call(other, minutes_after_start=-10)
        call_service.cancel(other)
        time.sleep(2)  # the room loop runs on a nudge, and every 0.2 s
        assert "no longer lets you into the call" in refused_on_joining(other_page)
    finally:
        call_service.move_clock_into_the_call(call_service.booking)
        page.context.close()
        other_page.context.close()


def test_nobody_can_start_recording(call_service, three):
    citizen = joined(three["citizen"])
    remote_videos_play(joined(three["employee"]), 1)
    # What any participant could send from the browser's console: "record me". The room's
    # lock_record makes Janus ignore it; media keeps flowing, and nothing is written.
    citizen.evaluate("window.kepwebCall.publisherHandle().send({message: {request: 'configure', record: true}})")
    citizen.evaluate("window.kepwebCall.publisherHandle().send({message: {request: 'enable_recording', "
                     "room: Number(document.getElementById('call').dataset.room), record: true}})")
    time.sleep(3)
    assert not any(call_service.recordings.iterdir())


def test_the_call_page_has_no_axe_violations_and_fits_320_px_before_and_in_the_call(three):
    from e2e.a11y import axe_violations

    citizen = three["citizen"]
    citizen.set_viewport_size({"width": 320, "height": 640})
    assert axe_violations(citizen) == []
    joined(citizen)
    joined(three["interpreter"])
    remote_videos_play(citizen, 1)
    citizen.get_by_role("button", name="Mute the microphone").click()  # a pressed button, too
    assert axe_violations(citizen) == []
    assert citizen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    widths = citizen.evaluate("Array.from(document.querySelectorAll('.kepweb-call__tile')).map((t) => t.offsetWidth)")
    assert widths and all(width <= 320 for width in widths), widths
    small = citizen.evaluate("""Array.from(document.querySelectorAll('#call button')).filter((b) => b.offsetParent)
        .filter((b) => b.offsetWidth < 24 || b.offsetHeight < 24).map((b) => b.textContent)""")
    assert small == []


def test_every_control_is_reached_and_worked_with_the_keyboard_alone(call_service, three):
    citizen = three["citizen"]
    citizen.locator("[data-call-join]").focus()
    citizen.keyboard.press("Enter")
    citizen.wait_for_function(ARROW + "window.kepwebCall.state === 'joined'")
    remote_videos_play(joined(three["interpreter"]), 1)
    remote_videos_play(citizen, 1)
    # Tab from the heading through the page: every control of the call is on the way.
    citizen.locator("h1").focus()
    reached = set()
    for _ in range(40):
        citizen.keyboard.press("Tab")
        reached.add(citizen.evaluate("""() => { const e = document.activeElement;
            return e.getAttribute('data-call-toggle') || (e.hasAttribute('data-call-leave') && 'leave')
                || (e.classList.contains('kepweb-call__pin') && 'pin') || (e.tagName === 'TEXTAREA' && 'message')
                || (e.closest('[data-chat-form]') && e.type === 'submit' && 'send') || e.tagName; }"""))
    assert {"microphone", "camera", "sound-only", "pin", "message", "send", "leave"} <= reached, reached
    for control in ("microphone", "camera"):
        button = citizen.locator(f"[data-call-toggle={control}]")
        button.focus()
        citizen.keyboard.press("Space")
        expect_pressed(button, "true")
        citizen.keyboard.press("Enter")
        expect_pressed(button, "false")
    citizen.locator("[data-chat-form] textarea").focus()
    citizen.keyboard.type("Με ακούτε;")
    citizen.keyboard.press("Enter")  # Enter sends, as in other chats (Shift+Enter: a new line)
    three["interpreter"].wait_for_function(
        ARROW + "document.querySelector('[data-chat-messages]').textContent.includes('Με ακούτε;')")
    citizen.locator("[data-call-leave]").focus()
    citizen.keyboard.press("Enter")
    citizen.wait_for_url(f"**/appointments/{call_service.booking.reference}")


def expect_pressed(button, value):
    button.page.wait_for_function(ARROW + f"""document.querySelector(
        '[data-call-toggle={button.get_attribute("data-call-toggle")}]').getAttribute('aria-pressed') === '{value}'""")
