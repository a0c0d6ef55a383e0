"""`Cache-Control: no-store` on everything personal (kepweb/caching.py): no cache keeps a page that
shows a person, so the browser's Back after sign-out asks the server again and gets nothing personal;
public pages and static files keep their caching."""

from __future__ import annotations

import time

import pytest

from tests.test_staff_access import signed_in_as

CITIZEN = {"tax_id": "094014201", "first_name": "Μαρία", "last_name": "Παπαδοπούλου", "father_name": "",
           "mother_name": "", "birth_year": "1980", "user_id": "maria"}
PUBLIC_PAGES = ["/", "/manual", "/municipalities", "/accessibility", "/privacy", "/feedback"]


def sign_in_citizen(client):
    with client.session_transaction() as session:
        session.clear()
        session["last_seen"] = time.time()
        session["citizen"] = CITIZEN


def is_no_store(response) -> bool:
    return response.cache_control.no_store


@pytest.mark.parametrize("url", ["/appointments", "/", "/manual", "/start", "/no-such-page"])
def test_every_page_a_signed_in_citizen_sees_is_not_stored(client, url):
    sign_in_citizen(client)
    response = client.get(url)
    assert response.status_code in (200, 404), response.status_code
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/staff", "/"])
def test_every_page_a_staff_member_sees_is_not_stored(client, url):
    signed_in_as(client, "chania-employee")
    response = client.get(url)
    assert response.status_code == 200
    assert is_no_store(response)


def test_a_guests_session_is_not_stored_even_on_a_public_page(client):
    client.get("/join/an-invitation-token")  # kept in the session, the address bar cleared
    assert is_no_store(client.get("/"))
    assert is_no_store(client.get("/join"))


@pytest.mark.parametrize("url", ["/appointments", "/appointments/KEP-123", "/book", "/needs-profile",
                                 "/staff/calls", "/join", "/sign-in/callback?error=access_denied",
                                 "/session/status"])
def test_personal_areas_are_not_stored_even_for_an_anonymous_visitor(client, url):
    # A redirect to sign-in from here names what was asked for; a sign-in answer carries its state.
    assert is_no_store(client.get(url))


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_for_an_anonymous_visitor_keep_their_caching(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not is_no_store(response)


def test_a_path_that_only_starts_like_a_personal_area_is_not_one(client):
    assert not is_no_store(client.get("/bookmarks"))  # not /book


def test_static_files_keep_their_long_cache_even_for_a_signed_in_citizen(client):
    sign_in_citizen(client)
    response = client.get("/static/css/kepweb.css")
    assert response.status_code == 200
    assert "max-age=" in response.headers["Cache-Control"] and not is_no_store(response)


@pytest.fixture
def app(app):
    """The frontend with two downloads that set their own Cache-Control."""
    app.add_url_rule("/test-own-no-store", "test_own_no_store",
                     lambda: ("file", {"Cache-Control": "private, no-store"}))
    # What send_file says by default: a browser may still keep the file on disk.
    app.add_url_rule("/test-no-cache", "test_no_cache", lambda: ("file", {"Cache-Control": "no-cache"}))
    return app


def test_a_views_own_no_store_is_kept_and_anything_weaker_is_replaced(client):
    sign_in_citizen(client)
    assert client.get("/test-own-no-store").headers["Cache-Control"] == "private, no-store"
    assert client.get("/test-no-cache").headers["Cache-Control"] == "no-store"


def test_a_views_own_caching_is_kept_for_an_anonymous_visitor(client):
    assert client.get("/test-no-cache").headers["Cache-Control"] == "no-cache"


def test_after_sign_out_back_shows_nothing_personal(client_request, client):
    sign_in_citizen(client)
    before = client.get("/appointments")
    assert before.status_code == 200
    # The page seen while signed in was never stored, so Back has to ask the server again...
    assert before.headers["Cache-Control"] == "no-store"
    token = client_request.csrf_token("/appointments")
    signed_out = client.post("/sign-out", data={"csrf_token": token})
    assert signed_out.status_code == 303 and is_no_store(signed_out)
    # ...which now answers with the way to sign in, and nothing of the citizen's.
    after = client.get("/appointments")
    assert after.status_code == 303
    assert after.headers["Location"].startswith("/sign-in")
    assert is_no_store(after)
    assert "Παπαδοπούλου" not in after.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "citizen" not in session
