"""The mechanics of wording that a reader cannot check page by page: counts agree with their
nouns in both languages, and the scripts say nothing that a catalogue does not hold."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
COUNTED_NOUNS = ("minute", "hour", "day", "week", "file", "municipalit", "procedure", "KEP", "appointment",
                 "time", "person", "people", "interpreter", "character", "digit", "megabyte", "MB")
# A number put in front of a noun: "%(num)s minutes". A message like that must be an ngettext
# one, or Greek says «1 λεπτά» and English "1 minutes".
NUMBER_BEFORE_NOUN = re.compile(r"%\((\w+)\)[sd]\s+(" + "|".join(COUNTED_NOUNS) + r")", re.IGNORECASE)
NUMBER_NAMES = re.compile(r"num|count|minutes|hours|days|number", re.IGNORECASE)


def catalogue(code: str):
    with (ROOT / "translations" / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def test_a_count_in_front_of_a_noun_is_always_an_ngettext_message():
    singular_only = []
    for message in catalogue("en"):
        if not message.id or message.pluralizable:
            continue
        for match in NUMBER_BEFORE_NOUN.finditer(message.id):
            if NUMBER_NAMES.search(match.group(1)):
                singular_only.append(message.id)
    assert not singular_only, f"counts outside ngettext: {singular_only}"


def test_the_check_finds_a_count_outside_ngettext():
    assert NUMBER_BEFORE_NOUN.search("You can join in %(minutes)s minutes.")
    assert not NUMBER_BEFORE_NOUN.search("Free times: %(day)s")


def test_every_plural_message_has_each_greek_form():
    plural = [message for message in catalogue("el") if message.id and message.pluralizable]
    assert plural, "the catalogue has plural messages"
    assert all(len(message.string) == 2 and all(message.string) for message in plural)


def _string_literals(source: str) -> list[str]:
    without_comments = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    without_comments = re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", without_comments)
    return [first or second for first, second in re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'',
                                                              without_comments)]


def test_scripts_take_every_sentence_from_the_page():
    """join.js and kepweb.js read their words from data attributes the server fills through the
    catalogue (ngettext for counts, chosen in the browser by Intl.PluralRules): a sentence written
    in a script would be in one language only and could not agree with its number."""
    sentences = []
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        for literal in _string_literals(script.read_text(encoding="utf-8")):
            if literal != "use strict" and re.search(r"[A-Za-zΑ-Ωα-ω]{2,} [A-Za-zΑ-Ωα-ω]{2,}", literal) \
                    and not re.search(r"[#.\[\]=:]", literal):
                sentences.append((script.name, literal))
    assert not sentences, f"sentences written in a script: {sentences}"


def test_the_script_check_finds_a_sentence():
    assert "You can join now" in _string_literals('el.textContent = "You can join now"; // a comment')
    assert _string_literals("// \"Earlier days\" in a comment\nvar a = 1;") == []


def test_greek_has_its_question_mark_only_where_english_asks_a_question():
    """In Greek «;» is the question mark: a list joined by it reads as questions."""
    misplaced = []
    for message in catalogue("el"):
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        misplaced += [text for source, text in zip(ids, strings, strict=True) if text.count(";") != source.count("?")]
    assert not misplaced, misplaced


JOINED_BY_A_SEMICOLON = re.compile(r"""["']; ["']\s*\)?\s*\.join|join\(\s*["']; ["']""")


#: Where «; » joins the parts of an HTTP header, whose syntax it is, not a list for a reader.
HEADER_SYNTAX = {"kepweb/security.py"}


def test_nothing_is_joined_with_a_semicolon_for_a_reader():
    places = [ROOT / "templates", ROOT / "kepweb", ROOT / "sandbox"]
    found = [str(path.relative_to(ROOT)) for place in places for path in sorted(place.rglob("*"))
             if path.suffix in {".html", ".py", ".txt"} and JOINED_BY_A_SEMICOLON.search(path.read_text("utf-8"))
             and str(path.relative_to(ROOT)) not in HEADER_SYNTAX]
    assert not found, f"a list joined by «; » (a question mark in Greek): {found}"


def test_the_semicolon_check_finds_a_join():
    assert JOINED_BY_A_SEMICOLON.search('{{ needs|join("; ") }}')
    assert JOINED_BY_A_SEMICOLON.search('"; ".join(labels)')
