"""What an htmx swap of a wizard step gets: <main>, the <title> and the language
switch, nothing else; a plain request and a history restore get the whole page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.booking.conftest import sign_in_as

BOOSTED = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "main-content",
           "HX-Current-URL": "http://localhost/book/category"}


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "SESSION_DIRECTORY": str(tmp_path / "sessions")}


@pytest.fixture
def citizen(client):
    client.set_cookie("kepweb_lang", "en")
    sign_in_as(client)
    return client


def test_a_boosted_step_gets_only_its_main_its_title_and_the_language_switch(citizen):
    whole = citizen.get("/book/category").get_data(as_text=True)
    response = citizen.get("/book/category", headers=BOOSTED)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    fragment = BeautifulSoup(html, "html.parser")
    top_level = [element.name for element in fragment.find_all(recursive=False)]
    assert top_level == ["title", "main", "nav"]
    assert fragment.title.get_text() == BeautifulSoup(whole, "html.parser").title.get_text()
    assert fragment.title.get_text().startswith("Step 1 of ")
    main = fragment.find("main")
    assert main["id"] == "main-content" and main["data-hx-select"] == "#main-content"
    assert main.find("h1") and main.find("form", method="post")
    assert fragment.find("nav", id="language-switch").find("a", hreflang="el")["href"].endswith("next=/book/category")
    # The header, the footer and the stylesheets are already on the page.
    assert "<html" not in html and "<header" not in html and "<footer" not in html and "<link" not in html
    assert len(html) < len(whole) / 2


def test_the_step_after_a_boosted_form_is_short_too(citizen):
    form = BeautifulSoup(citizen.get("/book/category").get_data(as_text=True), "html.parser")
    token = form.select_one("main input[name=csrf_token]")["value"]
    sent = citizen.post("/book/category", data={"csrf_token": token, "category": "information"}, headers=BOOSTED)
    assert sent.status_code == 303
    # The browser follows the redirect with the same htmx headers.
    step = citizen.get(sent.headers["Location"], headers=BOOSTED).get_data(as_text=True)
    assert step.startswith("<title>") and "<h1" in step and "<header" not in step


def test_a_plain_request_and_a_history_restore_get_the_whole_page(citizen):
    for headers in ({}, {**BOOSTED, "HX-History-Restore-Request": "true"}):
        response = citizen.get("/book/category", headers=headers)
        html = response.get_data(as_text=True)
        assert html.startswith("<!DOCTYPE html>") and "<header" in html and "</html>" in html, headers


def test_every_answer_says_it_varies_with_the_htmx_headers(citizen):
    for headers in ({}, BOOSTED):
        vary = {value.strip() for value in citizen.get("/book/category", headers=headers).headers["Vary"].split(",")}
        assert {"HX-Request", "HX-Target"} <= vary


def test_other_htmx_targets_do_not_get_the_short_answer(citizen):
    html = citizen.get("/book/category", headers={"HX-Request": "true", "HX-Target": "somewhere-else"}).get_data(
        as_text=True)
    assert html.startswith("<!DOCTYPE html>")
