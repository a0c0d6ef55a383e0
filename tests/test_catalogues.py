"""Every message is translated in Greek and English, none fuzzy, none missing."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogue(code):
    with (ROOT / "translations" / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def messages(code):
    return [message for message in catalogue(code) if message.id]


@pytest.mark.parametrize("code", ["el", "en"])
def test_no_message_is_untranslated(code):
    untranslated = [
        message.id
        for message in messages(code)
        if not (all(message.string) if message.pluralizable else message.string)
    ]
    assert not untranslated, f"{len(untranslated)} untranslated in {code}: {untranslated[:5]}"


@pytest.mark.parametrize("code", ["el", "en"])
def test_no_message_is_fuzzy(code):
    fuzzy = [message.id for message in messages(code) if message.fuzzy]
    assert not fuzzy, f"fuzzy in {code}: {fuzzy[:5]}"


@pytest.mark.parametrize("code", ["el", "en"])
def test_placeholders_survive_translation(code):
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in messages(code):
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for translated in strings:
            assert set(placeholder.findall(translated)) <= expected | {"num"}, message.id
            assert expected - {"num"} <= set(placeholder.findall(translated)), message.id


def test_catalogues_hold_every_message_in_the_code(tmp_path):
    """`make update` was run: nothing in templates or code is missing from the catalogues."""
    template = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as handle:
        in_code = {message.id if isinstance(message.id, str) else message.id[0]
                   for message in read_po(handle) if message.id}
    for code in ("el", "en"):
        in_catalogue = {message.id if isinstance(message.id, str) else message.id[0] for message in messages(code)}
        missing = in_code - in_catalogue
        assert not missing, f"run `make update`: {len(missing)} missing from {code}: {sorted(missing)[:5]}"


def test_the_english_catalogue_is_the_source_text_unless_edited_on_purpose():
    """English msgids are the English text; a different msgstr must be a deliberate edit,
    which we have none of yet, so any difference is a tool's guess (e.g. fuzzy matching)."""
    different = [message.id for message in messages("en")
                 if (tuple(message.string) != tuple(message.id) if message.pluralizable
                     else message.string != message.id)]
    assert not different, different[:5]
