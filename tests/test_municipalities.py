"""The participating municipalities: listed from the scheduling API, searchable without JavaScript,
filtered live with htmx."""

import pytest

from tests.page_checks import text_of


def municipality_names(page):
    return [text_of(name) for name in page.select(".kepweb-municipality__name")]


def municipality_links(page):
    """{link text: href} of the list of municipalities by region."""
    return {text_of(link): link["href"] for link in page.select(".kepweb-municipality-links a")}


def test_all_112_municipalities_of_the_decision_are_listed_by_region_with_links_to_their_pages(client_request):
    client_request.use_language("el")
    page = client_request.get("/municipalities")
    links = municipality_links(page)
    assert len(links) == 112
    assert links["Δήμος Χανίων: 3 ΚΕΠ"] == "/municipalities/chania"
    assert links["Δήμος Αλίμου: 1 ΚΕΠ"] == "/municipalities/alimos"
    assert "112 συμμετέχοντες δήμοι" in text_of(page.find(attrs={"data-announce": True}))
    # The KEPs themselves are on each municipality's page: the list stays light.
    assert not page.select(".kepweb-kep")


def test_the_list_has_a_heading_per_region_in_alphabetical_order_with_its_municipalities_under_it(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities")
    regions = page.select("#search-results h3")
    names = [text_of(region) for region in regions]
    assert len(names) == 13
    assert names[0] == "Attica" and names == sorted(names)
    crete = regions[names.index("Crete")].find_next_sibling("ul")
    assert [text_of(link) for link in crete.select("a")] == [
        "Municipality of Chania: 3 KEPs", "Municipality of Heraklion (Crete): 4 KEPs",
        "Municipality of Minoa Pediada: 1 KEP"]


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


def test_a_search_links_each_municipality_found_to_its_page(client_request):
    client_request.use_language("el")
    page = client_request.get("/municipalities", query_string={"q": "χανια"})
    assert page.select_one(".kepweb-municipality__name a")["href"] == "/municipalities/chania"
    assert len(page.select(".kepweb-kep")) == 3
    assert not page.select(".kepweb-municipality-links")


def test_the_htmx_search_cleared_answers_with_the_list_by_region(client):
    response = client.get(
        "/municipalities", query_string={"q": ""},
        headers={"HX-Request": "true", "HX-Target": "search-results", "Cookie": "kepweb_lang=el"},
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="search-results"')
    assert html.count('class="govgr-link" href="/municipalities/') == 112


def test_a_municipality_has_a_page_with_its_region_and_every_kep(client_request):
    client_request.use_language("el")
    page = client_request.get("/municipalities/chania")
    assert text_of(page.h1) == "Δήμος Χανίων"
    assert page.title.get_text().startswith("Δήμος Χανίων: ΚΕΠ")
    assert "Περιφέρεια: Κρήτη" in text_of(page.main)
    keps = page.select(".kepweb-kep")
    assert len(keps) == 3
    first = text_of(keps[0])
    assert "ΚΕΠ" in text_of(keps[0].select_one(".kepweb-kep__name"))
    phone = keps[0].find("a", href=lambda href: href and href.startswith("tel:"))
    assert phone and phone.get_text() in first
    assert page.find("h2", string=lambda text: text and "3 ΚΕΠ" in text)


def test_a_municipality_page_in_english(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities/minoa-pediada")
    assert text_of(page.h1) == "Municipality of Minoa Pediada"
    assert "Region: Crete" in text_of(page.main)
    assert len(page.select(".kepweb-kep")) == 1


def test_a_municipality_page_links_to_booking_with_the_municipality_chosen_and_back_to_the_list(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities/chania")
    book = page.find("a", string="Book an appointment")
    assert book["href"] == "/start?municipality=chania"
    assert page.find("a", class_="govgr-back-link")["href"] == "/municipalities"
    start = client_request.get(book["href"])
    assert "Municipality of Chania" in text_of(start.main)


def test_an_unknown_municipality_is_page_not_found(client_request):
    client_request.use_language("en")
    page = client_request.get("/municipalities/atlantis", expected_status=404)
    assert text_of(page.h1) == "Page not found"
