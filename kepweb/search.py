"""Matching what a citizen types against names, the way people type them.

"αθηνα", "ΑΘΗΝΑ" and "Αθήνα" all find "Αθηναίων"; a final sigma typed as "σ"
(or the other way round) still matches.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free, final-sigma-free form of `text` for comparison."""
    decomposed = unicodedata.normalize("NFD", text)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    # casefold() turns "ς" into "σ" and handles Greek capitals with tonos.
    return " ".join(without_marks.casefold().split())


def matches(query: str, *texts: str) -> bool:
    """True when every word of `query` appears in one of `texts` (folded)."""
    words = fold(query).split()
    if not words:
        return True
    haystack = " ".join(fold(text) for text in texts)
    return all(word in haystack for word in words)
