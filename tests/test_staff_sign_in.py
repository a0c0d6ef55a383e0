"""The KEP staff area's own sign-in (OpenID Connect for public servants), over real HTTP, as a visitor
without JavaScript would: each role, the account without one, the session, a citizen and a staff member
in one browser, sign-out, and the access log."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from sandbox.staff_idp import ACCOUNTS_BY_NAME
from sandbox.staff_idp import PASSWORD as STAFF_PASSWORD
from tests.live_service import LiveService
from tests.page_checks import check_page, text_of
from tests.test_sign_in import follow, provider_form
from tests.test_sign_in import sign_in as citizen_sign_in

ADMIN_TOKEN = "sandbox-admin-token"  # the embedded default's (sandbox.scheduling.Settings)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("staff-sign-in") / "scheduling.sqlite3",
                          {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


@pytest.fixture
def visitor(live):
    session = requests.Session()
    session.cookies.set("kepweb_lang", "en")
    return session


def staff_sign_in(visitor, live, username="chania-employee", start="/staff", password=STAFF_PASSWORD):
    """From a staff page to the staff sign-in's form, the form sent, and every redirect followed."""
    page = follow(visitor, visitor.get(f"{live.url}{start}", allow_redirects=False))
    assert "/sandbox/staff-id/authorize" in page.url, page.url
    token, action = provider_form(page.text)
    answer = visitor.post(requests.compat.urljoin(page.url, action or page.url),
                          data={"username": username, "password": password, "csrf_token": token},
                          allow_redirects=False)
    return answer, follow(visitor, answer)


def admin_api(live, method, path, **kwargs):
    return requests.request(method, f"{live.url}/sandbox/scheduling/v1/admin{path}",
                            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=5, **kwargs)


def kepweb_cookie(visitor):
    return visitor.cookies.get("kepweb_session")


def redirected_to(visitor, url) -> str:
    answer = visitor.get(url, allow_redirects=False)
    assert answer.status_code == 303, (url, answer.status_code)
    return urlsplit(answer.headers["Location"]).path


# -- each role ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username, role, kep", [
    ("chania-employee", "KEP employee", "KEP of the Municipality of Chania"),
    ("chania-head", "Head of the KEP", "KEP of the Municipality of Chania"),
    ("rhodes-employee", "KEP employee", "KEP of the Municipality of Rhodes"),
    ("ministry-admin", "Administrator at the Ministry", None),
])
def test_each_role_signs_in_and_lands_in_the_staff_area(visitor, live, username, role, kep):
    _, landed = staff_sign_in(visitor, live, username)
    assert landed.status_code == 200 and urlsplit(landed.url).path == "/staff"
    page = check_page(landed.text)
    account = ACCOUNTS_BY_NAME[username]
    assert text_of(page.h1) == "KEP staff area"
    assert page.title.get_text() == "KEP staff area – myKEPlive"
    summary = {text_of(row.dt): text_of(row.dd) for row in page.select(".govgr-summary-list__row")}
    assert summary["Name"] == account.name and summary["Role"] == role and summary["Email"] == account.email
    assert summary.get("KEP") == kep
    # The header says whose area this is, and who is signed in with which role.
    header = page.find("header")
    assert "KEP staff area" in text_of(header.find(class_="kepweb-header-title"))
    assert header.find(class_="kepweb-staff-strip")
    nav = header.find("nav", attrs={"aria-label": "Your staff account"})
    assert account.name in text_of(nav) and role in text_of(nav)
    assert nav.find("form", action="/staff/sign-out")
    # The sign-in is in the access log, with the staff member's subject and role.
    entry = next(entry for entry in admin_api(live, "GET", "/access-log").json()["entries"]
                 if entry["action"] == "staff.sign_in")
    assert entry["staff"]["subject"] == account.sub and entry["actor"] is None


def test_the_staff_area_is_in_greek_first(live):
    visitor = requests.Session()
    _, landed = staff_sign_in(visitor, live, "chania-head")
    page = check_page(landed.text)
    assert page.html["lang"] == "el"
    assert text_of(page.h1) == "Χώρος εργαζομένων ΚΕΠ"
    assert "Προϊστάμενος/η ΚΕΠ" in text_of(page.find("main")) and "ΚΕΠ Δήμου Χανίων" in text_of(page.find("main"))
    assert page.title.get_text() == "Χώρος εργαζομένων ΚΕΠ – myKEPlive"


def test_the_landing_page_offers_no_link_to_a_page_that_does_not_exist(visitor, live):
    _, landed = staff_sign_in(visitor, live, "ministry-admin")
    main = BeautifulSoup(landed.text, "html.parser").find("main")
    for link in main.find_all("a"):
        target = requests.compat.urljoin(landed.url, link["href"])
        assert visitor.get(target, allow_redirects=False).status_code in (200, 303), link["href"]


# -- refused ------------------------------------------------------------------------------------


def test_the_account_without_a_role_is_refused_with_a_clear_page(visitor, live):
    _, landed = staff_sign_in(visitor, live, "no-role")
    assert landed.status_code == 403
    page = check_page(landed.text)
    assert text_of(page.h1) == "You do not have access to the KEP staff area"
    assert "has not given you a role" in text_of(page.find("main"))
    # A way out of the sign-in's own session, or the next try would sign the same person in again.
    way_out = page.find("a", string="Sign out, to sign in with another account")
    assert way_out["href"].startswith(f"{live.url}/sandbox/staff-id/logout?")
    assert parse_qs(urlsplit(way_out["href"]).query)["post_logout_redirect_uri"] == [f"{live.url}/staff/signed-out"]
    # Not signed in: every staff page sends them to sign in again.
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"
    refused = [entry for entry in admin_api(live, "GET", "/access-log").json()["entries"]
               if entry["action"] == "staff.refused"]
    assert refused and refused[0]["staff"]["subject"] == ACCOUNTS_BY_NAME["no-role"].sub
    # Through the way out, the sign-in asks for credentials again.
    out = follow(visitor, visitor.get(way_out["href"], allow_redirects=False))
    assert urlsplit(out.url).path == "/staff/signed-out"
    assert "/sandbox/staff-id/authorize" in follow(visitor, visitor.get(f"{live.url}/staff/sign-in",
                                                                         allow_redirects=False)).url


def test_a_withdrawn_role_counts_at_the_next_page(visitor, live):
    account = ACCOUNTS_BY_NAME["rhodes-employee"]
    staff_sign_in(visitor, live, "rhodes-employee")
    entry = admin_api(live, "GET", f"/staff/{account.sub}").json()
    kept = {"name": entry["name"], "role": entry["role"], "kep_id": entry["kep"]["id"],
            "employee_id": entry["employee_id"]}
    assert admin_api(live, "PUT", f"/staff/{account.sub}", json={**kept, "role": None, "kep_id": None,
                                                                 "employee_id": None}).status_code == 200
    try:
        refused = visitor.get(f"{live.url}/staff", allow_redirects=False)
        assert refused.status_code == 403
        assert text_of(check_page(refused.text).h1) == "You do not have access to the KEP staff area"
        assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"  # the staff session ended
    finally:
        assert admin_api(live, "PUT", f"/staff/{account.sub}", json=kept).status_code == 200


# -- the session ---------------------------------------------------------------------------------


def test_the_session_is_renewed_at_staff_sign_in(visitor, live):
    visitor.get(f"{live.url}/")
    before = kepweb_cookie(visitor)
    assert before
    staff_sign_in(visitor, live)
    after = kepweb_cookie(visitor)
    assert after and after != before
    stale = requests.Session()
    stale.cookies.set("kepweb_session", before)
    assert redirected_to(stale, f"{live.url}/staff") == "/staff/sign-in"
    # Only a random id in the cookie: no token, no name, no subject.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,64}", after)


def test_a_citizen_session_gets_no_staff_page(visitor, live):
    _, landed = citizen_sign_in(visitor, live, "maria", start="/appointments")
    assert urlsplit(landed.url).path == "/appointments"
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"
    # Nor does the staff sign-in take a citizen for a staff member: it asks the staff sign-in who they are.
    page = follow(visitor, visitor.get(f"{live.url}/staff/sign-in", allow_redirects=False))
    assert "/sandbox/staff-id/authorize" in page.url
    assert visitor.get(f"{live.url}/appointments", allow_redirects=False).status_code == 200  # still a citizen


def test_a_staff_session_gets_no_citizen_page(visitor, live):
    staff_sign_in(visitor, live)
    assert redirected_to(visitor, f"{live.url}/appointments") == "/sign-in"
    home = check_page(visitor.get(f"{live.url}/").text)
    assert not home.find("nav", attrs={"aria-label": "Your account"})  # no citizen in the header


def test_one_browser_is_one_person_staff_sign_in_ends_the_citizens_session(visitor, live):
    citizen_sign_in(visitor, live, "maria", start="/appointments")
    _, landed = staff_sign_in(visitor, live, "chania-employee")
    assert urlsplit(landed.url).path == "/staff"
    assert redirected_to(visitor, f"{live.url}/appointments") == "/sign-in"
    assert "ΜΑΡΙΑ" not in landed.text


def test_one_browser_is_one_person_citizen_sign_in_ends_the_staff_session(visitor, live):
    staff_sign_in(visitor, live, "chania-employee")
    _, landed = citizen_sign_in(visitor, live, "maria", start="/appointments")
    assert urlsplit(landed.url).path == "/appointments"
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"
    assert "Ελένη Μαρκάκη" not in landed.text


def test_idle_staff_sessions_end_with_an_explanation(live):
    visitor = requests.Session()
    visitor.cookies.set("kepweb_lang", "en")
    staff_sign_in(visitor, live)
    live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(0)
    try:
        ended = follow(visitor, visitor.get(f"{live.url}/staff", allow_redirects=False))
    finally:
        live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)
    assert urlsplit(ended.url).path == "/staff/session/expired"
    page = check_page(ended.text)
    assert text_of(page.h1) == "Your session has ended" and "KEP staff area" in page.title.get_text()
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"


def test_the_idle_warning_on_staff_pages_ends_at_the_staff_page(visitor, live):
    _, landed = staff_sign_in(visitor, live)
    warning = BeautifulSoup(landed.text, "html.parser").find(id="session-warning")
    assert warning is not None and warning["data-expired-url"] == "/staff/session/expired"


# -- the way in and out ---------------------------------------------------------------------------


def test_sign_out_ends_both_sessions_and_says_so(visitor, live):
    _, landed = staff_sign_in(visitor, live)
    token = re.search(r'action="/staff/sign-out".*?name="csrf_token" value="([^"]+)"', landed.text, re.S).group(1)
    out = visitor.post(f"{live.url}/staff/sign-out", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 303
    assert out.headers["Location"].startswith(f"{live.url}/sandbox/staff-id/logout?")
    page = follow(visitor, out)
    assert urlsplit(page.url).path == "/staff/signed-out"
    assert text_of(check_page(page.text).h1) == "You have signed out of the KEP staff area"
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"
    # The sign-in's own session ended too: it asks for credentials, on a shared computer as on any.
    form = follow(visitor, visitor.get(f"{live.url}/staff/sign-in", allow_redirects=False))
    assert "/sandbox/staff-id/authorize" in form.url and 'name="password"' in form.text


def test_cancelling_at_the_sign_in_page_explains_what_happened(visitor, live):
    page = follow(visitor, visitor.get(f"{live.url}/staff/sign-in", allow_redirects=False))
    state = parse_qs(urlsplit(page.url).query)["state"][0]
    cancelled = visitor.get(f"{live.url}/staff/callback", params={"error": "access_denied", "state": state})
    assert cancelled.status_code == 200
    assert text_of(check_page(cancelled.text).h1) == "You did not sign in"


def test_a_forged_state_is_refused(visitor, live):
    page = follow(visitor, visitor.get(f"{live.url}/staff/sign-in", allow_redirects=False))
    state = parse_qs(urlsplit(page.url).query)["state"][0]
    forged = visitor.get(f"{live.url}/staff/callback", params={"code": "x", "state": "not-" + state},
                         allow_redirects=False)
    assert forged.status_code == 400
    assert text_of(check_page(forged.text).h1) == "We could not sign you in"


def test_a_replayed_callback_is_refused(visitor, live):
    answer, _ = staff_sign_in(visitor, live)
    callback = answer.headers["Location"]
    thief = requests.Session()
    follow(thief, thief.get(f"{live.url}/staff/sign-in", allow_redirects=False))
    assert thief.get(callback, allow_redirects=False).status_code == 400


@pytest.mark.parametrize("target, lands", [("/staff", "/staff"), ("//evil.example", "/staff"),
                                           ("https://evil.example/staff", "/staff"), ("/appointments", "/staff"),
                                           ("/staff/sign-in", "/staff"), ("/staffroom", "/staff")])
def test_return_urls_stay_in_the_staff_area(visitor, live, target, lands):
    _, landed = staff_sign_in(visitor, live, start=f"/staff/sign-in?next={requests.utils.quote(target)}")
    assert urlsplit(landed.url).netloc == urlsplit(live.url).netloc
    assert urlsplit(landed.url).path == lands


def test_the_api_down_at_sign_in_says_so_and_signs_nobody_in(visitor, live, monkeypatch):
    from kepweb.scheduling import SchedulingUnavailable
    from kepweb.scheduling.staff import StaffClient

    def down(self, subject):
        raise SchedulingUnavailable("test: the API is down")

    monkeypatch.setattr(StaffClient, "record_sign_in", down)
    _, landed = staff_sign_in(visitor, live, "chania-head")
    assert landed.status_code == 503
    assert text_of(check_page(landed.text).h1) == "We could not sign you in"
    monkeypatch.undo()
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"


def test_an_id_token_signed_with_another_key_is_refused(visitor, live, monkeypatch):
    """The provider's JWKS decides: a token under the right key id but another key's signature signs nobody in."""
    from joserfc.jwk import RSAKey

    from sandbox.staff_idp import server

    monkeypatch.setattr(server._OpenIDCode, "resolve_client_private_key",
                        lambda self, client: RSAKey.generate_key(2048, parameters={"kid": self.key.kid}))
    _, landed = staff_sign_in(visitor, live, "ministry-admin")
    assert landed.status_code == 400
    assert text_of(check_page(landed.text).h1) == "We could not sign you in"
    monkeypatch.undo()
    assert redirected_to(visitor, f"{live.url}/staff") == "/staff/sign-in"
