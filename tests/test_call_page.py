"""The call page's markup (templates/call/room.html), rendered with a fake CallAccess through a route
of the test's own: the contract static/js/call.js reads, and what every page must be."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import get_locale

from kepweb.call.views import ROLE_NAMES
from tests.page_checks import check_page, text_of

# The view's title is the lead's (kepweb/call/views.py); any words in the page's language do here.
TITLES = {"el": "Βιντεοκλήση με το ΚΕΠ", "en": "Video call with the KEP"}
FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"


def fake_call(role="citizen", employee_name="Νίκος Γεωργίου"):
    people = [
        SimpleNamespace(feed_id=101, chat_username="c-101", role="citizen", name="Μαρία Παπαδοπούλου"),
        SimpleNamespace(feed_id=102, chat_username="e-102", role="employee", name=employee_name),
        SimpleNamespace(feed_id=103, chat_username="i-103", role="interpreter", name="Ελένη Δημητρίου"),
        SimpleNamespace(feed_id=104, chat_username="t-104", role="third_person", name="Γιώργος Παπαδόπουλος"),
    ]
    own = next(person for person in people if person.role == role)
    return SimpleNamespace(
        reference="KEP-ABCD-2345", role=role, server_url="ws://10.99.0.1:8188/",
        ice_servers=[{"urls": ["stun:10.99.0.1:3478"]}], room=4503599627370001, token="tok-\"'<&>",
        feed_id=own.feed_id, chat_username=own.chat_username, display_name=own.name, participants=people,
        opens="2030-01-01T09:45:00+02:00", closes="2030-01-01T10:30:00+02:00", sound_only_allowed=False,
    )


@pytest.fixture
def call_page(app):
    """GET /test/call/<role>: the call page as the lead's view renders it."""
    def room(role):
        return render_template("call/room.html", call=fake_call(role), leave_url="/appointments/KEP-ABCD-2345",
                               sound_only_url="/appointments/KEP-ABCD-2345/call/sound-only",
                               role_names=ROLE_NAMES, page_title=TITLES[str(get_locale())])

    app.add_url_rule("/test/call/<role>", "test_call_room", room)
    client = app.test_client()

    def get(role="citizen", language="el"):
        client.set_cookie("kepweb_lang", language)
        response = client.get(f"/test/call/{role}")
        assert response.status_code == 200
        return check_page(response.get_data(as_text=True))
    return get


def hidden_or_template(element) -> bool:
    return any(parent.name == "template" or parent.has_attr("hidden") for parent in [element, *element.parents])


def test_the_page_passes_the_checks_of_every_page_in_both_languages(call_page):
    for role in ROLE_NAMES:
        assert call_page(role, "el").html["lang"] == "el"
        call_page(role, "en")


def test_the_script_reads_its_configuration_from_one_element(call_page):
    call = call_page().select_one("#call")
    assert call["data-server-url"] == "ws://10.99.0.1:8188/"
    assert json.loads(call["data-ice-servers"]) == [{"urls": ["stun:10.99.0.1:3478"]}]
    assert call["data-room"] == "4503599627370001" and call["data-token"] == "tok-\"'<&>"
    assert call["data-feed-id"] == "101" and call["data-chat-username"] == "c-101"
    assert call["data-role"] == "citizen" and call["data-display-name"] == "Μαρία Παπαδοπούλου"
    assert call["data-sound-only-url"].endswith("/sound-only") and call["data-leave-url"]
    people = json.loads(call["data-participants"])
    assert [person["feed_id"] for person in people] == [101, 102, 103, 104]
    assert people[2]["caption"] == "Ελένη Δημητρίου, Greek Sign Language interpreter"
    assert {"chat_username", "role", "name"} <= set(people[0])


def test_every_word_the_script_uses_is_on_the_page_in_the_page_language(call_page):
    call = call_page().select_one("#call")
    texts = {name: value for name, value in call.attrs.items() if name.startswith("data-text-")}
    assert {"data-text-joined", "data-text-left", "data-text-message", "data-text-unreachable",
            "data-text-refused", "data-text-media-refused", "data-text-sound-only-refused",
            "data-text-show-large", "data-text-no-picture"} <= set(texts)
    assert "NAME" in texts["data-text-joined"] and "TEXT" in texts["data-text-message"]
    english = [name for name, value in texts.items() if value == value.encode("ascii", "ignore").decode()]
    assert not english, f"untranslated: {english}"


def test_the_join_button_comes_first_and_nothing_else_works_before_it(call_page):
    page = call_page()
    main = page.select_one("main")
    reachable = [element for element in main.select(FOCUSABLE) if not hidden_or_template(element)]
    assert reachable and reachable[0].has_attr("data-call-join"), reachable[:1]
    assert [element.name for element in reachable] == ["button"]
    join = reachable[0]
    assert join["type"] == "button" and text_of(join)
    assert not page.find(attrs={"autoplay": True}) and not main.find("video", recursive=True) \
        or all(hidden_or_template(video) for video in main.find_all("video"))


def test_controls_are_named_buttons_with_a_pressed_state(call_page):
    page = call_page()
    for name in ("microphone", "camera", "sound-only"):
        button = page.select_one(f"button[data-call-toggle={name}]")
        assert button is not None, name
        assert button["type"] == "button" and button["aria-pressed"] == "false" and text_of(button)
        icon = button.find("svg")
        assert icon["aria-hidden"] == "true" and icon["focusable"] == "false"
    leave = page.select_one("button[data-call-leave]")
    assert leave["type"] == "button" and text_of(leave) and not leave.has_attr("aria-pressed")
    assert page.select_one("#sound-only-hint")
    pin = page.select_one("template[data-call-tile]").find("button")
    assert pin["type"] == "button" and pin["aria-pressed"] == "false"
    labels = [text_of(button) for button in page.select("main button")]
    assert len(labels) == len(set(labels)), labels


def test_the_employee_has_no_sound_only_button(call_page):
    page = call_page("employee")
    assert page.select_one("button[data-call-toggle=microphone]")
    assert not page.select_one("button[data-call-toggle=sound-only]")


def test_the_one_live_region_is_the_layouts(call_page):
    page = call_page()
    live = page.find_all(attrs={"aria-live": True})
    assert [region.get("id") for region in live] == ["announcer"]
    assert not page.find_all(attrs={"role": ["status", "alert", "log"]})


def test_the_chat_form_is_labelled(call_page):
    page = call_page()
    form = page.select_one("form[data-chat-form]")
    assert page.find(id=form["aria-labelledby"]).name == "h2"
    field = form.select_one("textarea")
    assert page.select_one(f"label[for={field['id']}]") and text_of(page.select_one(f"label[for={field['id']}]"))
    assert form.select_one("button[type=submit]")
    message = page.select_one("template[data-chat-message]")
    assert message.find("time")


def test_each_picture_has_a_caption_and_plays_inline(call_page):
    tile = call_page().select_one("template[data-call-tile]")
    assert tile.find("figure").find("figcaption")
    video = tile.find("video")
    assert video.has_attr("playsinline") and not video.has_attr("autoplay")


def test_the_scripts_load_in_order_and_deferred(call_page):
    scripts = [script["src"].partition("?")[0] for script in call_page().find_all("script") if script.has_attr("defer")]
    tail = scripts[-3:]
    assert tail == ["/static/vendor/webrtc-adapter/adapter.js", "/static/vendor/janus-gateway/janus.js",
                    "/static/js/call.js"], scripts


@pytest.mark.parametrize("path", ["vendor/janus-gateway/janus.js", "vendor/webrtc-adapter/adapter.js"])
def test_debians_call_scripts_are_served_with_a_long_cache(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "max-age=31536000, public"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Janus" in response.data if "janus" in path else b"adapter" in response.data


def test_the_call_scripts_url_changes_when_debian_updates_the_file(call_page):
    sources = [script["src"] for script in call_page().find_all("script")
               if script["src"].startswith(("/static/vendor/janus-gateway/", "/static/vendor/webrtc-adapter/"))]
    assert len(sources) == 2
    assert all("?v=" in source and not source.endswith("?v=0") for source in sources), sources


def test_the_call_scripts_folder_is_configurable(app_config, tmp_path):
    from kepweb import create_app

    (tmp_path / "janus-gateway").mkdir()
    (tmp_path / "janus-gateway" / "janus.js").write_text("var Janus = 1;")
    client = create_app({**app_config, "CALL_SCRIPTS_DIR": str(tmp_path)}).test_client()
    assert client.get("/static/vendor/janus-gateway/janus.js").data == b"var Janus = 1;"
    assert client.get("/static/vendor/webrtc-adapter/adapter.js").status_code == 404


def test_the_problem_region_is_near_the_top_and_takes_focus(call_page):
    page = call_page()
    problem = page.select_one("[data-call-problem]")
    assert problem.has_attr("hidden") and problem["tabindex"] == "-1"
    join = page.select_one("[data-call-join]")
    order = [element for element in page.select("[data-call-problem], [data-call-join]")]
    assert order == [problem, join]


def test_somebody_without_a_name_is_captioned_by_their_role(app):
    """The registry may not know an employee's name: their picture is then "KEP employee", not ", KEP employee"."""
    with app.test_request_context("/", headers={"Cookie": "kepweb_lang=en"}):
        page = render_template("call/room.html", call=fake_call(employee_name=""), leave_url="/", sound_only_url="/",
                               role_names=ROLE_NAMES, page_title="Video call")
        expected = str(ROLE_NAMES["employee"])
    from bs4 import BeautifulSoup

    people = json.loads(BeautifulSoup(page, "html.parser").find(id="call")["data-participants"])
    assert [person["caption"] for person in people if person["role"] == "employee"] == [expected]
