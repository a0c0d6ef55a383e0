"""Every catalogue keeps to docs/glossary.md: no word that the glossary forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
FORBIDDEN_COLUMNS = {"el": 3, "en": 4}  # "Not (Greek)" and "Not (English)"


def forbidden_words(language: str) -> list[str]:
    words = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 6 or cells[0] in ("Thing", "---"):
            continue
        words += [word.strip() for word in cells[FORBIDDEN_COLUMNS[language]].split(",") if word.strip()]
    return words


def translations(language: str) -> list[tuple[str, str]]:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(str(message.id), text) for text in strings]
    return found


def pattern_for(word: str) -> re.Pattern:
    """A stem in any case; a `spelling` in backticks exactly as written."""
    if word.startswith("`") and word.endswith("`"):
        return re.compile(rf"(?<!\w){re.escape(word.strip('`'))}(?!\w)")
    return re.compile(rf"(?<!\w){re.escape(word)}", re.IGNORECASE)


def test_the_glossary_forbids_something_in_each_language():
    assert "κράτησ" in forbidden_words("el") and "teleconference" in forbidden_words("en")
    assert "`TaxisNet`" in forbidden_words("en")


def test_a_spelling_in_backticks_is_matched_exactly():
    assert pattern_for("`TaxisNet`").search("your TaxisNet credentials")
    assert not pattern_for("`TaxisNet`").search("your Taxisnet credentials")
    assert pattern_for("κράτησ").search("Η ΚΡΆΤΗΣΗ σας")


@pytest.mark.parametrize("language", ["el", "en"])
def test_no_catalogue_uses_a_word_the_glossary_forbids(language):
    patterns = {word: pattern_for(word) for word in forbidden_words(language)}
    misused = [(word, message_id) for message_id, text in translations(language)
               for word, pattern in patterns.items() if pattern.search(text)]
    assert not misused, f"docs/glossary.md forbids these: {misused[:5]}"


# The emails, text messages and sign-in pages of the stand-ins are written in Python, not in a catalogue.
SANDBOX_TEXTS = [*sorted((ROOT / "sandbox" / "scheduling" / "mail").glob("*.py")),
                 ROOT / "sandbox" / "gsis" / "pages.py", ROOT / "sandbox" / "staff_idp" / "pages.py",
                 ROOT / "sandbox" / "staff_idp" / "accounts.py"]


@pytest.mark.parametrize("language", ["el", "en"])
def test_emails_texts_and_the_sign_in_stand_in_keep_to_the_glossary(language):
    assert any(path.name == "sms_texts.py" for path in SANDBOX_TEXTS)
    misused = [(word, path.name, number) for path in SANDBOX_TEXTS
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               for word in forbidden_words(language) if pattern_for(word).search(line)]
    assert not misused, f"docs/glossary.md forbids these: {misused[:5]}"
