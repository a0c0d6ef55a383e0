"""Matching what a citizen types against names, the way people type them.

"αθηνα", "ΑΘΗΝΑ" and "Αθήνα" all find "Αθηναίων"; a final sigma typed as "σ"
(or the other way round) still matches.

`matches_any_script` and `SearchIndex` also understand Greeklish, Greek typed in Latin
letters the way people do on their phones: "pistopoihtiko", "vevaiosi", "bebaiwsh",
"lixiarxiki" and "lhksiarxikh" all find the Greek titles they mean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Generic, TypeVar


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


# -- Greek and Greeklish keys ----------------------------------------------------------------
#
# Both scripts are brought to one phonetic skeleton, the *key*. Greek letters that sound alike
# share a symbol (η ι υ ει οι υι → i, ω ο → o, αι ε → e, μπ → b, ντ → d, γκ γγ → g, ...) and a
# doubled symbol counts once (λλ → l, "ii" → i), so spelling mistakes and the many ways of
# typing one sound meet.
#
# Greek text has exactly one key. Latin text is ambiguous: "h" is η in "bebaiwsh" but χ in
# "psihiko", "x" is χ in "lixiarxiki" but ξ in "praxi". So each Latin piece lists all its
# readings, and a typed word matches when any of its readings (`query_keys`) is found in the
# key of the texts. The first reading is the one used to index Latin text (an English title,
# say), which is therefore always among the readings of the same text typed as a query.
# Keys are lower-case Latin letters and digits plus "T" for θ and "H" for χ, so that "th"
# (θ or τη) and "kh" (χ or κη) keep their readings apart.

_GREEK = {
    # two letters, one sound
    "ου": "u", "ει": "i", "οι": "i", "υι": "i", "αι": "e",
    "αυ": "av", "ευ": "ev", "ηυ": "iv",
    "μπ": "b", "ντ": "d", "γκ": "g", "γγ": "g",
    # one letter
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "T",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "ks", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "τ": "t", "υ": "i", "φ": "f", "χ": "H", "ψ": "ps", "ω": "o",
}

_GREEKLISH = {
    # vowels, and the pairs that stand for one Greek sound
    "a": ("a",), "e": ("e",), "i": ("i",), "o": ("o",), "w": ("o",),
    "u": ("u", "i"),                          # ου in "paidiu", υ in "psuxiko"
    "y": ("i",),                              # υ in "psyxiko"
    "ou": ("u",), "oy": ("u",),
    "ai": ("e", "ai"), "ei": ("i", "ei"), "oi": ("i", "oi"), "ui": ("i",),
    "yi": ("i", "gi"),                        # γι in "yia"
    "au": ("av",), "ay": ("av",), "af": ("af", "av"),
    "eu": ("ev",), "ey": ("ev",), "ef": ("ef", "ev"),
    # consonants
    "b": ("v", "b"), "mp": ("b",), "mb": ("b",), "v": ("v",),
    "g": ("g",), "gk": ("g",), "gg": ("g",), "ng": ("g", "ng"), "nk": ("g", "nk"),
    "d": ("d",), "nt": ("d",), "nd": ("d",),
    "z": ("z",), "j": ("tz", "z"),
    "h": ("i", "H"),                          # η in "bebaiwsh", χ in "psihiko"
    "ch": ("H",), "kh": ("H", "ki"),          # κη in "lhksiarxikh"
    "x": ("ks", "H"),                         # ξ in "praxi", χ in "lixiarxiki"
    "th": ("T", "ti"),                        # τη in "sthn"
    "k": ("k",), "c": ("k", "s"), "ck": ("k",), "q": ("k",), "ks": ("ks",), "cs": ("ks",),
    "l": ("l",), "m": ("m",), "n": ("n",), "p": ("p",), "r": ("r",), "s": ("s",), "t": ("t",),
    "f": ("f",), "ph": ("f", "pi"), "ps": ("ps",),
}

# Digits typed for letters: "8anatou", "i8ageneia", "e3odos". Only in a word with at least
# three letters, so that "Ε9", "Α21" and "2018" stay what they are.
_DIGITS = {"8": ("8", "T"), "9": ("9", "T"), "3": ("3", "ks")}
_LETTERS_FOR_DIGITS = 3

_READINGS: dict[str, tuple[str, ...]] = {
    **{greek: (key,) for greek, key in _GREEK.items()},
    **_GREEKLISH,
}
_LONGEST = max(len(piece) for piece in _READINGS)

#: A query word (or reading of it) shorter than this must match the start of a word:
#: "ika" finds "ΙΚΑ" and "ικανότητας" but not "Ληξιαρχικής"; "stop" finds "Πιστοποιητικό".
SHORT_WORD = 4

#: At most this many readings of one typed word are tried (real words have a few dozen at most).
MAX_READINGS = 256

_NOT_WORD = re.compile(r"[\W_]+")
_GREEK_LETTER = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


def _words(folded: str) -> list[str]:
    """The letter-and-digit runs of folded text: punctuation separates words like spaces do."""
    return [word for word in _NOT_WORD.split(folded) if word]


def _pieces(word: str) -> list[tuple[str, ...]]:
    """Split one folded word into pieces, longest first, each with its readings."""
    digits_are_letters = sum(char.isalpha() for char in word) >= _LETTERS_FOR_DIGITS
    pieces = []
    position = 0
    while position < len(word):
        for length in range(min(_LONGEST, len(word) - position), 0, -1):
            piece = word[position:position + length]
            if piece in _READINGS:
                pieces.append(_READINGS[piece])
                break
        else:
            char = word[position]
            # a digit, or a letter of another alphabet, stands for itself
            pieces.append(_DIGITS[char] if digits_are_letters and char in _DIGITS else (char,))
            length = 1
        position += length
    return pieces


def _collapse(key: str) -> str:
    """A doubled symbol counts once: "ellada" and "elada", "pistopiitiko" and "pistopitiko".

    Not "aa", which Greek words hardly have but acronyms do: "ΕΚΑΑ" must not become "εκα".
    """
    return "".join(char for index, char in enumerate(key)
                   if index == 0 or char != key[index - 1] or char == "a")


def _word_key(word: str) -> str:
    return _collapse("".join(readings[0] for readings in _pieces(word)))


def _word_readings(word: str) -> tuple[str, ...]:
    keys = [""]
    for readings in _pieces(word):
        if len(keys) * len(readings) > MAX_READINGS:
            readings = readings[:1]
        keys = [key + reading for key in keys for reading in readings]
    return tuple(dict.fromkeys(_collapse(key) for key in keys))


def greeklish_key(text: str) -> str:
    """The phonetic skeleton of Greek or Greeklish `text`, its words separated by one space.

    >>> greeklish_key("Βεβαίωση μόνιμης κατοικίας")
    'veveosi monimis katikias'
    >>> greeklish_key("vevaiosi monimis katoikias")
    'veveosi monimis katikias'

    A Latin letter with more than one reading takes its first here ("h" → η, "x" → ξ);
    `query_keys` gives all the readings of what a citizen typed.
    """
    return " ".join(_word_key(word) for word in _words(fold(text)))


def query_keys(word: str) -> tuple[str, ...]:
    """Every key that one typed word may stand for, Greek or Greeklish.

    >>> query_keys("psihiko")
    ('psiko', 'psiHiko')
    >>> query_keys("ψυχικό")
    ('psiHiko',)

    A word with punctuation inside ("e-efka") is looked for piece by piece by the matching
    functions; here its pieces are read as one word.
    """
    return _word_readings("".join(_words(fold(word))))


# -- matching -------------------------------------------------------------------------------

# Greek nouns and adjectives change their endings: "πιστοποιητικό" is "πιστοποιητικού" in a
# title, "χανιά" is "χανίων", "θάνατος" is "θανάτου". A reading whose key ends in such an
# ending therefore also matches its stem at the start of a Greek word that ends in any other
# ending. In keys the endings are a few vowels, perhaps with ς or ν: ο ου α ας η ης ες ων ος
# ιο ιου ια ιων εις ...
_ENDING = "[aeiou]{1,3}[sn]?|[sn]"
_ENDS_IN_ENDING = re.compile(f"(?:{_ENDING})$")
_MIN_STEM = 3


class _Haystack:
    """What query words are looked for in: the texts folded, and their keys."""

    __slots__ = ("folded", "folded_words", "key", "greek_key")

    def __init__(self, texts: tuple[str, ...]):
        self.folded = " ".join(fold(text) for text in texts)
        words = _words(self.folded)
        keys = [_word_key(word) for word in words]
        self.folded_words = " " + " ".join(words)
        self.key = " " + " ".join(keys)
        self.greek_key = " " + " ".join(key for word, key in zip(words, keys, strict=True)
                                        if _GREEK_LETTER.search(word))


class _Piece:
    """A letter-and-digit run of a query word: its readings, and the stems of those."""

    __slots__ = ("readings", "stems")

    def __init__(self, folded: str):
        self.readings = _word_readings(folded)
        stems = []
        for reading in self.readings:
            stem = _ENDS_IN_ENDING.sub("", reading)
            if len(stem) >= _MIN_STEM and stem != reading:
                stems.append(re.escape(stem))
        self.stems = (re.compile(f" (?:{'|'.join(dict.fromkeys(stems))})(?:{_ENDING})?(?= |$)")
                      if stems else None)

    def found_in(self, haystack: _Haystack) -> bool:
        key = haystack.key
        for reading in self.readings:
            if (reading in key) if len(reading) >= SHORT_WORD else (" " + reading in key):
                return True
        return self.stems is not None and self.stems.search(haystack.greek_key) is not None


class _Word:
    """One word of a query: as typed (folded), and its pieces as read in both scripts."""

    __slots__ = ("folded", "pieces")

    def __init__(self, folded: str):
        self.folded = folded
        self.pieces = [_Piece(piece) for piece in _words(folded)]

    def found_in(self, haystack: _Haystack) -> bool:
        if not self.pieces:  # a dash or a quote between words: nothing to look for
            return True
        return self._found_as_typed(haystack) or all(piece.found_in(haystack) for piece in self.pieces)

    def _found_as_typed(self, haystack: _Haystack) -> bool:
        # Greek typed from the middle of a word ("ιδιου" in "παιδιού") has no key of its own.
        if len(self.folded) >= SHORT_WORD:
            return self.folded in haystack.folded
        return " " + self.folded in haystack.folded_words


@lru_cache(maxsize=256)
def _query(query: str) -> tuple[_Word, ...]:
    return tuple(_Word(word) for word in fold(query).split())


@lru_cache(maxsize=4096)
def _haystack(texts: tuple[str, ...]) -> _Haystack:
    return _Haystack(texts)


Texts = str | Iterable[str | None] | None


def _texts(texts: Iterable[Texts]) -> tuple[str, ...]:
    """The strings among `texts`, lists (of keywords, say) spread out, empty ones left out."""
    found: list[str] = []
    for text in texts:
        if isinstance(text, str):
            if text:
                found.append(text)
        elif text is not None:
            found.extend(_texts(text))
    return tuple(found)


def matches_any_script(query: str, *texts: Texts) -> bool:
    """True when every word of `query`, typed in Greek or Greeklish, is found in `texts`.

    Case, accents, final sigma and the many spellings of one sound do not matter, nor does
    the ending of a Greek word ("pistopoiitiko" finds "πιστοποιητικού"). A word of four or
    more letters may be found inside a word ("stop" finds "Πιστοποιητικό"), a shorter one
    only at the start of a word. A text may also be a list of texts (keywords, say); empty
    ones and None are skipped. An empty query matches everything.
    """
    words = _query(query)
    if not words:
        return True
    haystack = _haystack(_texts(texts))
    return all(word.found_in(haystack) for word in words)


T = TypeVar("T")


class SearchIndex(Generic[T]):
    """Items searchable by their texts, with the keys of the texts worked out once.

    `texts_of(item)` gives a text or a list of texts (None and lists in it are fine).

    >>> index = SearchIndex(["Επίδομα παιδιού", "Άδεια διαμονής"], lambda title: title)
    >>> index.search("adeia")
    ['Άδεια διαμονής']
    """

    def __init__(self, items: Iterable[T], texts_of: Callable[[T], Texts]):
        self._entries = [(item, _Haystack(_texts([texts_of(item)]))) for item in items]

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str) -> list[T]:
        """The items whose texts match every word of `query`, in their original order."""
        words = _query(query)
        return [item for item, haystack in self._entries
                if all(word.found_in(haystack) for word in words)]
