"""What every page of the service must be, checked on every page a test fetches."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup, Comment, NavigableString

LABELLED_INPUT_TYPES_EXEMPT = {"hidden", "submit", "button", "reset", "image"}
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
NOT_READ = {"script", "style", "template"}



INLINE = {"a", "abbr", "b", "code", "em", "i", "label", "small", "span", "strong", "time"}


def text_of(element) -> str:
    """The words as read: no space is added around an inline element (a `<span lang="el">` inside a
    sentence), one is added around a block and at a `<br>`."""
    return " ".join(_words(element).split())


def _words(node) -> str:
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name in NOT_READ:
        return ""
    if node.name == "br":
        return " "
    inside = "".join(_words(child) for child in node.children)
    return inside if node.name in INLINE else f" {inside} "


def check_page(html: str) -> BeautifulSoup:
    page = BeautifulSoup(html, "html.parser")
    assert page.html is not None and page.html.get("lang") in {"el", "en"}, "<html lang> must be el or en"

    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected exactly one h1, found {len(headings)}"
    title = " ".join(page.title.get_text().split()) if page.title else ""
    # The title says "Step 3 of 9: Choose ..."; the h1 holds the same words, its
    # caption ("Step 3 of 9") in a span of its own.
    caption = headings[0].find(class_="govgr-caption-l")
    if caption:
        assert text_of(caption) in title, f"title {title!r} does not contain the h1's caption {text_of(caption)!r}"
    words = text_of(headings[0]).removeprefix(text_of(caption) if caption else "").strip()
    assert words in title, f"title {title!r} does not contain the h1 {words!r}"

    ids = Counter(element["id"] for element in page.find_all(id=True))
    duplicates = [element_id for element_id, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"

    for control in page.find_all(["input", "select", "textarea"]):
        if control.name == "input" and control.get("type", "text") in LABELLED_INPUT_TYPES_EXEMPT:
            continue
        assert _is_labelled(page, control), f"unlabelled form control: {control}"

    for described in page.find_all(attrs={"aria-describedby": True}):
        for target in described["aria-describedby"].split():
            assert page.find(id=target), f"aria-describedby points at missing id {target!r}"

    unmarked = greek_without_lang(page)
    assert not unmarked, f"Greek on an English page without lang=el (an English voice mangles it): {unmarked[:5]}"

    # Content-Security-Policy forbids these; catch them before a browser does.
    assert not page.find("style"), "inline <style> element"
    assert not page.find(attrs={"style": True}), "inline style attribute"
    for script in page.find_all("script"):
        assert script.get("src") and not script.string, "inline script"
    return page


def _is_labelled(page, control) -> bool:
    if control.get("aria-label") or control.get("aria-labelledby"):
        return True
    if control.find_parent("label"):
        return True
    control_id = control.get("id")
    return bool(control_id and page.find("label", attrs={"for": control_id}))


def greek_without_lang(page: BeautifulSoup) -> list[str]:
    """Greek text whose nearest `lang` is not Greek: the words a screen reader would read in the wrong voice.
    The page's title, read first, counts too (it cannot hold a `lang` of its own)."""
    found = []
    for text in page.find_all(string=GREEK):
        # A textarea holds what the citizen typed, as an input's value does: a value, in their words.
        if isinstance(text, Comment) or text.parent.name in NOT_READ or text.parent.name == "textarea":
            continue
        marked = text.find_parent(attrs={"lang": True})
        if marked is None or not marked["lang"].startswith("el"):
            found.append(" ".join(text.split()))
    return found
