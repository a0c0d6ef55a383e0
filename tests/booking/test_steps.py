"""Each step of the wizard: validation, skipping, invalidation, holds and API faults."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kepweb import create_app
from kepweb.booking import holds, state
from kepweb.scheduling import SchedulingProblem
from tests.booking.conftest import MARIA, sign_in_as
from tests.conftest import HOLD_MINUTES, PageClient
from tests.page_checks import text_of

# The needs step answered with none (it comes before the time).
NO_NEEDS = {"needs": [], "third_person_name": "", "third_person_email": "", "other_needs": ""}


def answers_of(client_request):
    with client_request.client.application.test_request_context():
        from flask import g

        g.citizen = MARIA
        return state.current().answers


def put_answers(client_request, **answers):
    with client_request.client.application.test_request_context():
        from flask import g

        g.citizen = MARIA
        state.store().set(state.citizen_key(state.PREFIX), answers)


def summary_links(page):
    summary = page.find(attrs={"data-error-summary": True})
    return [(link["href"], text_of(link)) for link in summary.find_all("a")] if summary else []


def test_the_wizard_needs_sign_in(client):
    response = client.get("/book/category")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in?next=/book/category")


def test_a_step_before_its_turn_sends_you_to_the_first_unanswered_one(citizen_request):
    response = citizen_request.client.get("/book/details")
    assert response.headers["Location"] == "/book/category"


def test_choosing_nothing_is_explained(citizen_request):
    page = citizen_request.post("/book/category", {})
    assert page.title.get_text().startswith("Error: Step 1 of 9: What do you need help with?")
    assert summary_links(page) == [("#category", "Choose what you need help with")]
    fieldset = page.find("fieldset")
    assert fieldset["aria-describedby"] == "category-error"
    assert page.find(id="category")["type"] == "radio"  # the summary links to the first radio


def test_the_business_step_appears_only_for_businesses_and_checks_the_tax_number(citizen_request):
    citizen_request.post("/book/category", {"category": "business"}, expected_status=303)
    page = citizen_request.get("/book/business")
    assert "Step 2 of 10" in page.title.get_text()
    page = citizen_request.post("/book/business", {"representative": "no", "tax_id": "123456789", "name": ""})
    messages = [text for _href, text in summary_links(page)]
    assert messages[0].startswith("Only the legal representative can book for a business")
    assert "Enter a valid tax number (ΑΦΜ): 9 digits, like 094014201" in messages
    assert "Enter the business's name" in messages
    response = citizen_request.post("/book/business", {"representative": "yes", "tax_id": "EL 094 014 201",
                                                       "name": "Παπαδόπουλος ΟΕ"}, expected_status=303)
    assert response.headers["Location"] == "/book/procedure"
    assert answers_of(citizen_request)["business"]["tax_id"] == "094014201"


def test_changing_the_category_asks_again_what_it_made_meaningless(citizen_request):
    put_answers(citizen_request, category="business", business={"tax_id": "094014201", "name": "Χ"},
                procedure="employer-registration", municipality="anywhere")
    response = citizen_request.post("/book/category", {"category": "information"}, expected_status=303)
    assert response.headers["Location"] == "/book/procedure"
    answers = answers_of(citizen_request)
    assert "business" not in answers and "procedure" not in answers and "municipality" not in answers


def test_municipal_services_ask_for_the_municipality_before_the_procedure(citizen_request):
    response = citizen_request.post("/book/category", {"category": "municipal"}, expected_status=303)
    assert response.headers["Location"] == "/book/municipality"
    page = citizen_request.get("/book/municipality")
    assert not page.find("input", attrs={"value": "anywhere"}), "municipal services are never 'anywhere'"
    response = citizen_request.post("/book/municipality", {"municipality": "chania"}, expected_status=303)
    assert response.headers["Location"] == "/book/kep"
    response = citizen_request.post("/book/kep", {"kep": "kep-chania-1"}, expected_status=303)
    assert response.headers["Location"] == "/book/procedure"
    page = citizen_request.get("/book/procedure")
    titles = [text_of(label) for label in page.select("label.govgr-radios__label")]
    assert titles and len(titles) <= 16  # Chania's own catalogue, not everything


def test_pickup_is_offered_only_for_municipal_services(citizen_request):
    future = datetime.now(timezone.utc) + timedelta(minutes=5)
    hold = {"id": "h", "kep_id": "kep-psara-1", "start": future.isoformat(), "end": future.isoformat(),
            "expires_at": future.isoformat(), "can_extend": True}
    common = dict(procedure="child-benefit", municipality="psara", kep="kep-psara-1", hold=hold,
                  details={"full_name": "Μ", "email": "m@example.com", "phone": "6912345678", "street": "Α 1",
                           "contact_preference": "email",
                           "postcode": "10563", "town": "Αθήνα"},
                  document={"id_document": "passport", "files": []},
                  needs=NO_NEEDS)
    put_answers(citizen_request, category="information", **common)
    page = citizen_request.get("/book/delivery")
    assert [i["value"] for i in page.find_all("input", attrs={"name": "method"})] == ["email", "post"]
    page = citizen_request.post("/book/delivery", {"method": "pickup"})
    assert summary_links(page)[0][1] == "Choose how you want to receive the result"


@pytest.mark.parametrize("field, value, message", [
    ("phone", "12345", "Enter a Greek phone number, like 691 234 5678 or +30 691 234 5678"),
    ("postcode", "1056", "Enter a postcode of 5 digits, like 105 63"),
    ("email", "maria.example.com", "Enter an email address in the correct format, like name@example.com"),
    ("full_name", "", "Enter your full name"),
])
def test_contact_details_explain_bad_input(citizen_request, field, value, message):
    future = datetime.now(timezone.utc) + timedelta(minutes=5)
    hold = {"id": "h", "kep_id": "kep-psara-1", "start": future.isoformat(), "end": future.isoformat(),
            "expires_at": future.isoformat(), "can_extend": True}
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS, hold=hold)
    good = {"full_name": "Μαρία", "email": "m@example.com", "phone": "+30 691 234 5678", "street": "Ερμού 1",
            "postcode": "105 63", "town": "Αθήνα", "contact_preference": "email"}
    page = citizen_request.post("/book/details", {**good, field: value})
    assert summary_links(page) == [(f"#{field}", message)]
    described = page.find(id=field)["aria-describedby"].split()
    assert f"{field}-error" in described
    assert page.find(id="full_name")["autocomplete"] == "name"
    assert page.find(id="phone")["type"] == "tel" and page.find(id="postcode")["inputmode"] == "numeric"


def test_the_name_is_prefilled_from_taxisnet(citizen_request):
    future = datetime.now(timezone.utc) + timedelta(minutes=5)
    hold = {"id": "h", "kep_id": "kep-psara-1", "start": future.isoformat(), "end": future.isoformat(),
            "expires_at": future.isoformat(), "can_extend": True}
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS, hold=hold)
    assert citizen_request.get("/book/details").find(id="full_name")["value"] == "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"


def test_a_third_person_needs_a_name_and_email(citizen_request):
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1")
    page = citizen_request.post("/book/needs", {"needs": ["third_person"]})
    assert [text for _href, text in summary_links(page)] == [
        "Enter the third person's full name",
        "Enter the third person's email address, so that we can invite them"]


def test_an_expired_hold_sends_you_back_to_choose_a_time_with_every_answer_kept(citizen_request, sandbox_clock):
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS)
    page = citizen_request.get("/book/time")
    day = page.select(".kepweb-days a")[0]["href"]
    slot = citizen_request.get(day).find("input", attrs={"name": "slot"})["value"]
    # The API's clock a hold's length and a second behind: the hold it really makes now ends a second ago.
    sandbox_clock.behind = timedelta(minutes=HOLD_MINUTES, seconds=1)
    response = citizen_request.post(day, {"slot": slot}, expected_status=303)
    assert response.headers["Location"] == "/book/details"
    hold = answers_of(citizen_request)["hold"]
    assert f"{hold['kep_id']}|{hold['start']}" == slot
    # The API's clock back to now, past the hold's end: for the API too the hold is over.
    sandbox_clock.behind = timedelta(0)
    holds = citizen_request.client.application.extensions["scheduling"].holds
    with pytest.raises(SchedulingProblem, match="hold_expired"):
        holds.extend(MARIA.tax_id, hold["id"])
    put_answers(citizen_request, **answers_of(citizen_request), details={"full_name": "Μαρία"})

    response = citizen_request.client.get("/book/document")
    assert (response.status_code, response.headers.get("Location")) == (303, "/book/time"), \
        "a step after the hold's end does not send the citizen back to choose a time"
    page = citizen_request.get("/book/time")
    assert "has now been released" in text_of(page.find(class_="govgr-notification-banner"))
    answers = answers_of(citizen_request)
    assert "hold" not in answers and answers["details"] == {"full_name": "Μαρία"}


def test_a_time_somebody_else_took_is_explained(citizen_request):
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS)
    page = citizen_request.get("/book/time")
    day = page.select(".kepweb-days a")[0]["href"]
    page = citizen_request.get(day)
    slot = page.find("input", attrs={"name": "slot"})["value"]
    kep, _bar, start = slot.partition("|")
    # Psara's KEP has two employees: two other citizens take the time first.
    holds = citizen_request.client.application.extensions["scheduling"].holds
    for other in ("090000045", "998877666"):
        holds.hold(other, category="information", procedure="child-benefit", kep_id=kep,
                   start=datetime.fromisoformat(start))
    response = citizen_request.post(day, {"slot": slot}, expected_status=303)
    page = citizen_request.get(response.headers["Location"])
    assert "Somebody has just taken that time" in text_of(page.find(class_="govgr-notification-banner"))


def test_when_the_api_is_down_the_answers_are_kept(app_config, citizen_request):
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS)
    # The same session store and key as the app the answers were given to.
    secret = citizen_request.client.application.config["SECRET_KEY"]
    down = create_app({**app_config, "SECRET_KEY": secret, "SCHEDULING_API_URL": "http://127.0.0.1:9/v1",
                       "SCHEDULING_API_TIMEOUT": 0.5})
    client = PageClient(down.test_client())
    client.client.set_cookie("kepweb_lang", "en")
    sign_in_as(client.client)
    page = client.get("/book/time", expected_status=503)
    assert text_of(page.h1) == "Sorry, the service is unavailable"
    assert page.find("a", href="/book/time")
    assert answers_of(citizen_request)["procedure"] == "child-benefit"


def test_greeklish_finds_greek_procedures(citizen_request):
    put_answers(citizen_request, category="information")
    page = citizen_request.get("/book/procedure?q=epidoma")
    titles = [text_of(label) for label in page.select("label.govgr-radios__label")]
    assert "Application for child benefit (A21)" in titles
    assert not [t for t in titles if "Health Insurance" in t or "certificate" in t.lower()], titles
    announced = text_of(page.find(attrs={"data-announce": True}))
    assert announced == f"{len(titles)} procedures found"


def test_the_htmx_search_answers_with_the_results_only(citizen_request):
    put_answers(citizen_request, category="information")
    response = citizen_request.client.get("/book/procedure?q=ekaa", headers={
        "HX-Request": "true", "HX-Target": "search-results"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="search-results">') and "<main" not in body and "<html" not in body
    assert "ΕΚΑΑ" in body or "EKAA" in body.upper()


@pytest.mark.parametrize("url", ["/book/procedure", "/book/municipality", "/municipalities"])
def test_one_search_box_everywhere_answered_by_the_server_with_the_fragment(citizen_request, url):
    put_answers(citizen_request, category="information", procedure="child-benefit")
    box = citizen_request.get(url).find("input", id="q")
    assert box["data-hx-target"] == "#search-results" and box["data-hx-swap"] == "outerHTML"
    assert box["data-hx-select"] == "unset", "the server sends the fragment: nothing to pick on the client"


def test_holding_longer_by_script_gets_the_sentences_to_show(citizen_request, sandbox_clock):
    """The script updates the page from these: the new time, and no offer once no extension is left."""
    api = citizen_request.client.application.extensions["scheduling"]
    from tests.booking.conftest import hold_the_first_free_time
    _slot, hold = hold_the_first_free_time(api)
    put_answers(citizen_request, category="information", procedure="housing-allowance", municipality="hydra",
                kep="any", needs=NO_NEEDS, hold=holds.as_record(hold))
    token = citizen_request.csrf_token("/book/details")
    answer, buttons = None, []
    for extension in range(1, 20):  # until the API says no more
        # The API's clock a minute before the hold would end: each click holds it a hold's length more.
        sandbox_clock.behind = -timedelta(minutes=(HOLD_MINUTES - 1) * extension)
        expires = answers_of(citizen_request)["hold"]["expires_at"]
        answer = citizen_request.client.post("/book/hold/extend", headers={"X-Requested-With": "fetch"}, data={
            "csrf_token": token, "next": "/book/details", "expires_at": expires}).get_json()
        buttons.append(answer["sentences"]["extend"])
        if not answer["can_extend"]:
            break
    assert answer["can_extend"] is False
    # The button says what a click does: a full extension while one fits, then the limit it reaches.
    latest = hold.latest_expiry.astimezone(ZoneInfo("Europe/Athens")).strftime("%H:%M")
    assert buttons[0] == f"Hold it for {HOLD_MINUTES} more minutes"
    assert f"Hold it until {latest}" in buttons and buttons.index(f"Hold it until {latest}") > 0
    assert "cannot hold it for longer" in answer["sentences"]["warning"]
    time = answer["sentences"]["held"].rsplit(" ", 1)[-1].rstrip(".")
    assert time in answer["sentences"]["warning"]
    api.holds.release(MARIA.tax_id, hold.id)
