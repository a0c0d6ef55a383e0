"""Statistics per KEP and category in the KEP staff area: the numbers of a small known set of bookings (made,
cancelled and settled through the reference service's API), what each role sees, the period form, the chart
and its text alternative, and the CSV file (BOM, header in the page's language, safe against CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests

from kepweb import create_app
from kepweb.scheduling.staff_statistics import CategoryRow, Measures, Statistics
from kepweb.staff.statistics import bar_chart, parse_date, safe_cell
from sandbox.scheduling.db import Database
from sandbox.staff_idp import ACCOUNTS_BY_NAME
from tests.conftest import ADMIN_TOKEN, API_TOKEN
from tests.page_checks import text_of
from tests.test_staff_calls import sign_in_staff

MARIA, NIKOS, ELENI = "094014201", "090000045", "998877666"
CHANIA, RHODES = "kep-chania-1", "kep-rhodes-1"
FORMULA_KEP = {"el": '=HYPERLINK("https://example.com/?leak","Κλικ")', "en": "-2+3"}
ATHENS = ZoneInfo("Europe/Athens")


def answers(hold_id, name):
    return {"hold_id": hold_id,
            "contact": {"name": name, "email": "citizen@example.com", "phone": "6912345678",
                        "address": {"street": "Ερμού 1", "postcode": "10563", "town": "Αθήνα"}},
            "id_document": "identity_card", "needs": [], "contact_preference": "email",
            "delivery": {"method": "email"}, "language": "el"}


@pytest.fixture(scope="module")
def known(scheduling_api, module_sandbox_clock):
    """At Chania: one served, one the citizen did not join, one cancelled by the citizen (all information); at
    Rhodes: one still booked. Made as the frontend makes them; the outcomes recorded by the Ministry's
    administrator with the API's clock an hour after the calls."""
    app = create_app({"TESTING": True, "SCHEDULING_API_URL": scheduling_api, "SCHEDULING_API_TOKEN": API_TOKEN})
    admin = ACCOUNTS_BY_NAME["ministry-admin"].sub
    with app.app_context():
        api = app.extensions["scheduling"]

        def book(citizen, kep_id, procedure):
            slot = api.availability.first_free("information", procedure, kep_id=kep_id).slot
            hold = api.holds.hold(citizen, category="information", procedure=procedure, kep_id=kep_id,
                                  start=slot.start)
            return api.bookings.book(citizen, answers(hold.id, "Μαρία Παπαδοπούλου"), idempotency_key=hold.id)

        served = book(MARIA, CHANIA, "housing-allowance")
        no_show = book(NIKOS, CHANIA, "housing-allowance")
        cancelled = book(ELENI, CHANIA, "housing-allowance")
        rhodes = book(MARIA, RHODES, "child-benefit")
        api.bookings.cancel(ELENI, cancelled.reference)
        later = max(served.start, no_show.start) + timedelta(hours=1)
        module_sandbox_clock.behind = datetime.now(timezone.utc) - later
        try:
            api.staff_calls.record_identity_check(admin, served.reference, {
                "shown_on_camera": True, "matches_person": True, "document_kind": "identity_card",
                "document_number": "ΑΚ 123456"})
            api.staff_calls.record_outcome(admin, served.reference, {"outcome": "served", "protocol_number": "7/2026"})
            api.staff_calls.record_outcome(admin, no_show.reference, {"outcome": "no_show"})
        finally:
            module_sandbox_clock.behind = timedelta(0)
    return {"served": served, "no_show": no_show, "cancelled": cancelled, "rhodes": rhodes}


def period_query(first: date | None = None, days: int = 31) -> str:
    first = first or datetime.now(ATHENS).date()
    return f"from={first.isoformat()}&to={(first + timedelta(days=days)).isoformat()}"


def row_of(table, *headers) -> list[str]:
    """The data cells of the row whose header cells are `headers`."""
    for row in table.find_all("tr"):
        if [text_of(cell) for cell in row.find_all("th")] == list(headers):
            return [text_of(cell) for cell in row.find_all("td")]
    raise AssertionError(f"no row {headers} in {text_of(table)}")


# -- the numbers, by role ------------------------------------------------------------------------------------


def test_a_head_sees_their_keps_numbers_and_no_other_keps(client_request, client, known):
    sign_in_staff(client, "chania-head", "el")
    page = client_request.get(f"/staff/statistics?{period_query()}")
    table = page.find("table", id="by-category")
    assert text_of(table.caption) == "Ραντεβού ανά κατηγορία"
    headers = [text_of(cell) for cell in table.thead.find_all("th")]
    assert all(cell.get("scope") == "col" for cell in table.thead.find_all("th"))
    assert all(row.th.get("scope") == "row" for row in table.tbody.find_all("tr"))
    # Appointments, cancelled, outcome pending, served, not served, did not join, need a follow-up, average.
    assert headers[:8] == ["Κατηγορία", "Ραντεβού", "Ακυρώθηκαν", "Εκκρεμεί η έκβαση", "Εξυπηρετήθηκαν",
                           "Δεν εξυπηρετήθηκαν", "Δεν συνδέθηκαν", "Χρειάζονται συνέχεια"]
    information = row_of(table, "Διοικητική Πληροφόρηση – Διεκπεραίωση αίτησης")
    assert information[:7] == ["3", "1", "0", "1", "0", "1", "0"]
    assert row_of(table, "Υπηρεσίες προς επιχειρήσεις")[:7] == ["0"] * 7
    assert row_of(table, "Υπηρεσίες προς επιχειρήσεις")[7] == "–καμία τιμή"  # no average without appointments
    words = text_of(page.main)
    assert "ΚΕΠ Δήμου Χανίων" in words
    assert "Ρόδου" not in page.response.get_data(as_text=True)  # Rhodes: not its name, not its numbers
    assert not page.find("table", id="by-kep")  # one KEP: the table by category is hers
    assert [text_of(row.th) for row in page.find("table", id="first-free").tbody.find_all("tr")] == [
        "ΚΕΠ Δήμου Χανίων"]


def test_an_administrator_sees_every_kep(client_request, client, known):
    sign_in_staff(client, "ministry-admin")
    page = client_request.get(f"/staff/statistics?{period_query()}")
    by_category = page.find("table", id="by-category")
    assert row_of(by_category, "Administrative information – submitting an application")[:7] == [
        "4", "1", "1", "1", "0", "1", "0"]
    by_kep = page.find("table", id="by-kep")
    information = "Administrative information – submitting an application"
    assert row_of(by_kep, "KEP of the Municipality of Chania", information)[:4] == ["3", "1", "0", "1"]
    assert row_of(by_kep, "KEP of the Municipality of Rhodes", information)[:4] == ["1", "0", "1", "0"]
    assert row_of(by_kep, "KEP of the Municipality of Rhodes", "All categories")[0] == "1"
    waits = page.find("table", id="first-free").tbody.find_all("tr")
    assert len(waits) > 100  # every KEP that takes bookings
    assert "2 KEPs had appointments in the period." in text_of(page.main)
    quiet = client_request.get("/staff/statistics?from=2020-01-01&to=2020-01-31")
    assert not quiet.find("table", id="by-kep") and "No KEP had appointments in the period." in text_of(quiet.main)


def test_each_number_of_the_table_per_kep_and_category_names_its_three_headers(client_request, client, known):
    """Two header cells a row (the KEP, the category): every number names them and its column (`headers`, WCAG
    technique H43), as HTML_CodeSniffer asks of a table with more than one level of header cells."""
    sign_in_staff(client, "ministry-admin")
    by_kep = client_request.get(f"/staff/statistics?{period_query()}").find("table", id="by-kep")
    ids = {cell["id"]: text_of(cell) for cell in by_kep.find_all("th")}
    assert len(ids) == len(by_kep.find_all("th"))  # each header cell has an id of its own
    for row in by_kep.tbody.find_all("tr"):
        kep, category = (text_of(cell) for cell in row.find_all("th"))
        cells = row.find_all("td")
        assert len(cells) == 8
        for cell, column in zip(cells, [text_of(cell) for cell in by_kep.thead.find_all("th")][2:], strict=True):
            assert [ids[name] for name in cell["headers"]] == [kep, category, column]  # a list: BeautifulSoup splits it


def test_the_average_wait_from_booking_to_appointment_is_shown_in_days(client_request, client, known,
                                                                      scheduling_database):
    sign_in_staff(client, "chania-head")
    page = client_request.get(f"/staff/statistics?{period_query()}")
    kept = [known["served"].reference, known["no_show"].reference]  # the cancelled one is left out
    waits = [(row["starts"] - row["created"]) / 86400 for row in Database(scheduling_database).read().execute(
        "SELECT starts, created FROM bookings WHERE reference IN (?, ?)", kept)]
    assert len(waits) == 2
    average = row_of(page.find("table", id="by-category"), "Administrative information – submitting an application")[7]
    assert abs(float(average) - sum(waits) / len(waits)) <= 0.05


@pytest.mark.parametrize("path", ["/staff/statistics", "/staff/statistics.csv"])
def test_an_employee_gets_page_not_found(client_request, client, path):
    sign_in_staff(client, "chania-employee")
    assert client.get(path).status_code == 404
    home = client_request.get("/staff")
    assert not home.find("a", href="/staff/statistics")


def test_the_staff_area_offers_the_page_to_heads_and_administrators(client_request, client):
    for username in ("chania-head", "ministry-admin"):
        sign_in_staff(client, username, "el")
        link = client_request.get("/staff").find("a", href="/staff/statistics")
        assert link and text_of(link) == "Στατιστικά ανά ΚΕΠ και κατηγορία"


# -- the period ------------------------------------------------------------------------------------------------


def test_without_dates_the_period_is_the_last_30_days(client_request, client):
    sign_in_staff(client, "chania-head")
    page = client_request.get("/staff/statistics")
    today = datetime.now(ATHENS).date()
    first = today - timedelta(days=29)
    assert page.find("input", id="period-from")["value"] == f"{first.day}/{first.month}/{first.year}"
    assert page.find("input", id="period-to")["value"] == f"{today.day}/{today.month}/{today.year}"
    assert page.find("form", method="get").find("input", type="hidden") is None  # no CSRF token in a GET form


def test_a_start_after_the_end_is_an_error_at_the_end_date(client_request, client):
    sign_in_staff(client, "chania-head")
    page = client_request.get("/staff/statistics?from=10/12/2026&to=1/12/2026", expected_status=422)
    assert page.title.get_text().startswith("Error: Statistics per KEP and category")
    summary = page.find(attrs={"data-error-summary": True})
    link = summary.find("a", href="#period-to")
    assert text_of(link) == "The end date must be the same as or after the start date"
    field = page.find("input", id="period-to")
    assert "period-to-error" in field["aria-describedby"].split() and "govgr-error-input" in field["class"]
    assert "The end date must be the same" in text_of(page.find(id="period-to-error"))
    assert page.find("input", id="period-from")["value"] == "10/12/2026"  # what was typed stays
    assert not page.find("table") and not page.find("svg")


@pytest.mark.parametrize("query, field, message", [
    ("from=31/2/2026&to=1/3/2026", "period-from", "Enter the start date as day/month/year"),
    ("from=1/1/2026&to=tomorrow", "period-to", "Enter the end date as day/month/year"),
    ("from=1/1/2019&to=1/2/2019", "period-from", "Enter a date from 2020 to 2099"),
    ("from=1/1/2025&to=2/1/2026", "period-to", "Choose a period of 366 days or fewer"),
])
def test_a_period_that_is_not_one_is_said_at_its_field(client_request, client, query, field, message):
    sign_in_staff(client, "chania-head")
    page = client_request.get(f"/staff/statistics?{query}", expected_status=422)
    assert message in text_of(page.find(id=f"{field}-error"))
    assert page.find(attrs={"data-error-summary": True}).find("a", href=f"#{field}")


def test_dates_are_read_as_people_write_them(client_request, client):
    assert parse_date("1/12/2026") == parse_date("01.12.2026") == parse_date(" 2026-12-01 ") == date(2026, 12, 1)
    assert parse_date("1-12-2026") == date(2026, 12, 1)
    assert parse_date("12/31/2026") is None and parse_date("٠١/١٢/٢٠٢٦") is None and parse_date("") is None
    sign_in_staff(client, "chania-head", "el")
    page = client_request.get("/staff/statistics?from=1.12.2026&to=3/12/2026")
    assert "Από 1 Δεκεμβρίου 2026 έως 3 Δεκεμβρίου 2026" in text_of(page.main)
    assert page.find("a", href="/staff/statistics.csv?from=2026-12-01&to=2026-12-03")


# -- the chart ---------------------------------------------------------------------------------------------------


def test_the_chart_is_an_image_whose_text_alternative_points_to_its_table(client_request, client, known):
    sign_in_staff(client, "chania-head", "el")
    page = client_request.get(f"/staff/statistics?{period_query()}")
    chart = page.find("svg")
    assert chart["role"] == "img"
    alternative = page.find(id=chart["aria-labelledby"])
    assert alternative.name == "title" and alternative.parent is chart
    caption = text_of(page.find("table", id="by-category").caption)
    assert f"«{caption}»" in text_of(alternative) or f"“{caption}”" in text_of(alternative)
    assert "τα ραντεβού, όσοι εξυπηρετήθηκαν και όσοι δεν συνδέθηκαν" in text_of(alternative)
    # Every bar has its measure and its number written beside it: nothing is said by colour alone.
    texts = [text_of(text) for text in chart.find_all("text")]
    assert texts[:8] == ["Διοικητική Πληροφόρηση –", "Διεκπεραίωση αίτησης", "Ραντεβού", "3", "Εξυπηρετήθηκαν",
                         "1", "Δεν συνδέθηκαν", "1"]
    assert not chart.find(attrs={"style": True}) and not chart.find(attrs={"fill": True})  # colours in the CSS
    assert page.find(attrs={"role": "region", "tabindex": "0", "aria-labelledby": "by-category-caption"})


def test_the_bars_are_drawn_to_one_scale():
    zero = Measures(0, 0, 0, 0, 0, 0, 0, None)
    rows = (CategoryRow("information", Measures(8, 1, 1, 4, 0, 2, 0, 1.0)), CategoryRow("business", zero))
    numbers = Statistics(first=date(2026, 12, 1), last=date(2026, 12, 1), computed_at=datetime.now(timezone.utc),
                         standard_call_minutes=20, horizon_days=30, keps=(), by_category=rows, total=zero)
    chart = bar_chart(numbers, lambda category: category)
    [bookings, served, no_show] = chart.groups[0].bars
    assert (bookings.width, served.width, no_show.width) == (150, 75, 38)
    assert [bar.width for bar in chart.groups[1].bars] == [0, 0, 0]
    assert chart.height > chart.groups[1].bars[-1].y


# -- the CSV file ------------------------------------------------------------------------------------------------


def download(client, language, query):
    client.set_cookie("kepweb_lang", language)
    answer = client.get(f"/staff/statistics.csv?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer


def test_the_csv_file_has_a_bom_a_header_in_the_pages_language_and_the_numbers(client, known):
    sign_in_staff(client, "chania-head", "el")
    first = datetime.now(ATHENS).date()
    answer = download(client, "el", period_query(first))
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="kep-statistics-{first.isoformat()}-{(first + timedelta(days=31)).isoformat()}.csv"')
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.data.startswith(b"\xef\xbb\xbf")  # UTF-8's byte order mark: Excel then reads Greek as Greek
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["ΚΕΠ", "Κατηγορία", "Ραντεβού", "Ακυρώθηκαν"]
    assert rows[1][:9] == ["ΚΕΠ Δήμου Χανίων", "Διοικητική Πληροφόρηση – Διεκπεραίωση αίτησης",
                           "3", "1", "0", "1", "0", "1", "0"]
    assert rows[2][:3] == ["ΚΕΠ Δήμου Χανίων", "Όλες οι κατηγορίες", "3"]
    assert "," in rows[1][9]  # a Greek decimal: 1,2
    assert rows[2][10] and float(rows[2][11].replace(",", ".")) >= 0  # the wait now to the first free time
    assert len(rows) == 3 and not any("Ρόδου" in cell for row in rows for cell in row)


def test_the_csv_header_is_in_english_on_an_english_page(client, known):
    sign_in_staff(client, "ministry-admin", "en")
    rows = list(csv.reader(io.StringIO(download(client, "en", period_query()).data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["KEP", "Category", "Appointments"] and rows[0][9] == \
        "Average days from booking to appointment"
    chania = [row for row in rows if row[0] == "KEP of the Municipality of Chania"]
    assert [row[1] for row in chania] == ["Administrative information – submitting an application", "All categories"]


def test_the_csv_file_is_safe_against_csv_injection(client, known, scheduling_api):
    kep = {"id": "kep-formula-1", "code": "9901", "municipality_id": "chania", "name_el": FORMULA_KEP["el"],
           "name_en": FORMULA_KEP["en"], "street_el": "Οδός 1", "street_en": "1 Street", "postcode": "73100",
           "town_el": "Χανιά", "town_en": "Chania", "employees": 1,
           "opening_hours": [{"weekday": day, "opens": "08:00", "closes": "14:00"} for day in range(5)]}
    made = requests.post(f"{scheduling_api}/admin/keps", json=kep, timeout=5,
                         headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert made.status_code == 201, made.text
    try:
        sign_in_staff(client, "ministry-admin", "el")
        rows = list(csv.reader(io.StringIO(download(client, "el", period_query()).data.decode("utf-8-sig")),
                               delimiter=";"))
        assert ["'" + FORMULA_KEP["el"], "Όλες οι κατηγορίες"] in [row[:2] for row in rows]
        english = list(csv.reader(io.StringIO(download(client, "en", period_query()).data.decode("utf-8-sig"))))
        assert ["'-2+3", "All categories"] in [row[:2] for row in english]
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows + english for cell in row)
    finally:
        requests.delete(f"{scheduling_api}/admin/keps/kep-formula-1", timeout=5,
                        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})


@pytest.mark.parametrize("cell, safe", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("ΚΕΠ Δήμου Χανίων", "ΚΕΠ Δήμου Χανίων"), ("1,5", "1,5"), (3, "3"), (None, ""),
])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(cell, safe):
    assert safe_cell(cell) == safe


def test_a_csv_for_a_period_that_is_not_one_goes_to_the_page_with_the_error(client_request, client):
    sign_in_staff(client, "chania-head")
    answer = client.get("/staff/statistics.csv?from=10/12/2026&to=1/12/2026")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/staff/statistics?from=10/12/2026&to=1/12/2026" or \
        answer.headers["Location"] == "/staff/statistics?from=10%2F12%2F2026&to=1%2F12%2F2026"
    client_request.get(answer.headers["Location"], expected_status=422)
