"""The trimmed stylesheet was made for the digigov classes our markup uses now.

scripts/vendor-assets keeps only the digigov rules that the templates, our
scripts and our code can match (PurgeCSS), and lists every digigov class with a
mark on those our markup named then (assets/digigov-classes.txt). A template
that starts using another digigov class needs the script run again, or that
class's rules are missing: this test says so instead of a page quietly losing
its look.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = re.compile(r"govgr-[A-Za-z0-9_-]*[A-Za-z0-9]")


def digigov_classes() -> tuple[set[str], set[str]]:
    """(every digigov class, those our markup named when digigov.css was trimmed)"""
    every, named = set(), set()
    for line in (ROOT / "assets" / "digigov-classes.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        every.add(line[2:])
        if line.startswith("+"):
            named.add(line[2:])
    return every, named


def used_now() -> set[str]:
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").rglob("*.js"),
               *(ROOT / "kepweb").rglob("*.py")]
    return {name for source in sources for name in CLASS.findall(source.read_text(encoding="utf-8"))}


def unseen_by_the_trim(used: set[str]) -> list[str]:
    every, named = digigov_classes()
    return sorted((used & every) - named)


def test_digigov_css_was_trimmed_for_every_digigov_class_our_markup_uses():
    every, named = digigov_classes()
    assert {"govgr-btn", "govgr-summary-list", "govgr-header"} <= named and len(every) > len(named)
    unseen = unseen_by_the_trim(used_now())
    assert not unseen, f"run `bash scripts/vendor-assets`: digigov.css was trimmed before these were used: {unseen}"


def test_a_digigov_class_new_to_the_templates_is_noticed_and_our_own_are_not():
    # govgr-loader: a digigov part no page has yet; the other is no class of digigov.
    assert unseen_by_the_trim(used_now() | {"govgr-loader", "govgr-no-such-class"}) == ["govgr-loader"]
