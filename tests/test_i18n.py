from datetime import datetime, timezone

from flask_babel import force_locale, format_datetime

from tests.page_checks import text_of


def test_greek_is_the_default(client_request):
    page = client_request.get("/")
    assert page.html["lang"] == "el"


def test_the_browser_language_decides_when_there_is_no_choice(client_request):
    page = client_request.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.html["lang"] == "en"


def test_the_citizens_choice_wins_over_the_browser(client_request):
    client_request.use_language("el")
    page = client_request.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.html["lang"] == "el"


def test_switching_language_keeps_the_citizen_on_the_same_page(client):
    response = client.get("/language/en", query_string={"next": "/municipalities?q=χανια"})
    assert response.status_code == 303
    from urllib.parse import unquote

    assert unquote(response.headers["Location"]) == "/municipalities?q=χανια"
    cookie = client.get_cookie("kepweb_lang")
    assert cookie.value == "en" and cookie.http_only
    assert "Participating municipalities" in client.get("/municipalities").get_data(as_text=True)


def test_the_switch_links_to_the_current_page_in_the_other_language(client_request):
    client_request.use_language("el")
    page = client_request.get("/manual")
    switch = page.find("nav", class_="kepweb-language-switch")
    link = switch.find("a")
    assert text_of(link) == "English"
    assert link["lang"] == "en" and link["hreflang"] == "en"
    assert link["href"] == "/language/en?next=/manual"
    assert switch.find(attrs={"aria-current": "true"}).get_text() == "Ελληνικά"


def test_switching_refuses_to_leave_the_site(client):
    for target in ("//evil.example", "https://evil.example", "/\\evil.example"):
        response = client.get("/language/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/language/fr", query_string={"next": "/manual"})
    assert response.status_code == 303
    assert client.get_cookie("kepweb_lang") is None


def test_times_are_shown_in_athens_time(app):
    noon_utc = datetime(2026, 7, 1, 9, 30, tzinfo=timezone.utc)  # summer: UTC+3
    winter_utc = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)  # winter: UTC+2
    with app.test_request_context():
        with force_locale("el"):
            assert format_datetime(noon_utc, "HH:mm") == "12:30"
            assert format_datetime(winter_utc, "EEEE d MMMM, HH:mm") == "Τρίτη 1 Δεκεμβρίου, 11:30"
        with force_locale("en"):
            assert format_datetime(winter_utc, "EEEE d MMMM, HH:mm") == "Tuesday 1 December, 11:30"
