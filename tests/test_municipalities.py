"""The participating municipalities: listed from the scheduling API, searchable without JavaScript,
filtered live with htmx."""

import pytest

from tests.page_checks import text_of


def municipality_names(page):
    return [text_of(name) for name in page.select(".kepweb-municipality__name")]


def test_all_112_municipalities_of_the_decision_are_listed_with_their_keps(client_request):
    client_request.use_language("el")
    page = client_request.get("/municipalities")
    names = municipality_names(page)
    assert len(names) == 112
    assert "Δήμος Αχαρνών" in names
    assert len(page.select(".kepweb-kep")) == 180
    assert "112 συμμετέχοντες δήμοι" in text_of(page.find(attrs={"data-announce": True}))


@pytest.mark.parametrize("typed", ["χανια", "ΧΑΝΙΑ", "Χανιά", "χανιων", "ΧΑΝΙΩΝ", "chania"])
def test_search_ignores_accents_case_and_language(client_request, typed):
    client_request.use_language("el")
    page = client_request.get("/municipalities", query_string={"q": typed})
    assert municipality_names(page) == ["Δήμος Χανίων"]


def test_search_ignores_final_sigma(client_request):
    client_request.use_language("el")
    for typed in ("αρτας", "αρτασ", "ΑΡΤΑΣ"):
        page = client_request.get("/municipalities", query_string={"q": typed})
        assert municipality_names(page) == ["Δήμος Άρτας"], typed


def test_search_finds_a_kep_by_its_town(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities", query_string={"q": "ΑΓΡΙΝΙΟ"})
    assert municipality_names(page) == ["Municipality of Agrinio"]


def test_search_keeps_the_query_in_the_box_and_says_how_many_match(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities", query_string={"q": "χανια"})
    assert page.find("input", id="q")["value"] == "χανια"
    assert text_of(page.find(attrs={"data-announce": True})) == "1 municipality matches “χανια”"


def test_nothing_found_says_what_to_do(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities", query_string={"q": "atlantis"})
    assert "0 municipalities match" in text_of(page)
    assert page.find("a", string="Show all municipalities")["href"] == "/municipalities"


def test_htmx_search_answers_with_the_results_fragment_only(client):
    response = client.get(
        "/municipalities",
        query_string={"q": "χανια"},
        headers={"HX-Request": "true", "HX-Target": "search-results", "Cookie": "kepweb_lang=el"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html and "<h1" not in html
    assert "Δήμος Χανίων" in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_history_restore_gets_the_whole_page(client):
    response = client.get(
        "/municipalities",
        headers={"HX-Request": "true", "HX-Target": "search-results", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.get_data(as_text=True)


def test_the_search_box_is_enhanced_with_htmx_but_is_a_plain_get_form(client_request):
    page = client_request.get("/municipalities")
    form = page.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/municipalities"
    box = form.find("input", id="q")
    assert box["data-hx-get"] == "/municipalities"
    assert box["data-hx-target"] == "#search-results"
    assert form.find("button", type="submit")
