"""Give every new message of the English catalogue its source text.

Messages are written in English in the code, so the English catalogue is a
source-language catalogue (what gettext's `msgen` makes): each msgstr equals
its msgid. This fills empty and fuzzy entries and never touches a wording that
someone edited on purpose; the Greek catalogue is translated by people.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        # A fuzzy entry is a guess from a similar message: never trust it here.
        guessed = message.fuzzy
        message.flags.discard("fuzzy")
        if message.pluralizable:
            if guessed or not any(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif guessed or not message.string:
            message.string = message.id
            filled += 1
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, width=0, sort_by_file=True)
    print(f"English catalogue: filled {filled} new message(s) with their source text")


if __name__ == "__main__":
    main()
