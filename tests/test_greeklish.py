"""Searching KEP procedures and places in Greek or in Greeklish, the way citizens type on phones."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kepweb.search import SearchIndex, greeklish_key, matches_any_script, query_keys

FAMILY = "Έκδοση πιστοποιητικού οικογενειακής κατάστασης"
RESIDENCE = "Βεβαίωση μόνιμης κατοικίας"
BIRTH = "Χορήγηση αντιγράφου ληξιαρχικής πράξης γέννησης"
DEATH = "Ληξιαρχική πράξη θανάτου"
CHILD = "Επίδομα παιδιού"
EHIC = "Ευρωπαϊκή Κάρτα Ασφάλισης Ασθένειας (ΕΚΑΑ)"
PERMIT = "Άδεια διαμονής"
PSYCHIKO = "Δήμος Φιλοθέης – Ψυχικού"
CHANIA = "Δήμος Χανίων"
DECLARATION = "Υπεύθυνη δήλωση"
CITIZENSHIP = "Χορήγηση πιστοποιητικού ιθαγένειας"
MALE_REGISTER = "Χορήγηση πιστοποιητικού εγγραφής στο Μητρώο Αρρένων"
BANKRUPTCY = "Χορήγηση πιστοποιητικού περί μη πτώχευσης"
MOVE = "Αίτηση μεταδημότευσης"
NURSERY = "Αίτηση εγγραφής σε δημοτικό παιδικό ή βρεφονηπιακό σταθμό"
PARKING = "Αίτηση για κάρτα στάθμευσης μόνιμου κατοίκου"
INSURANCE = "Χορήγηση βεβαίωσης ασφαλιστικού βίου (e-ΕΦΚΑ)"
TAX_FORM = "Χορήγηση αντιγράφου δήλωσης στοιχείων ακινήτων (Ε9)"
CLEARANCE = "Χορήγηση αντιγράφου εκκαθαριστικού σημειώματος φόρου εισοδήματος"


@pytest.mark.parametrize(
    "typed, title",
    [
        # "πιστοποιητικό", every way people type it, and in another case than the title's
        ("pistopoiitiko", FAMILY),
        ("pistopoihtiko", FAMILY),
        ("pistopiitiko", FAMILY),
        ("pistopoitiko", FAMILY),
        ("pistop", FAMILY),
        ("PISTOPOIHTIKOU", FAMILY),
        ("oikogeneiakis katastasis", FAMILY),
        ("oikogeneiakhs katastashs", FAMILY),
        ("ikogeniaki katastasi", FAMILY),
        ("πιστοποιητικο oikogeneiakis", FAMILY),
        # "βεβαίωση": v or b, i or h, o or w
        ("vevaiosi monimis katoikias", RESIDENCE),
        ("bebaiwsh", RESIDENCE),
        ("vevaiwsh monimhs katoikias", RESIDENCE),
        ("vevaiosis monimou katoikou", RESIDENCE),
        # "ληξιαρχική": x for ξ and for χ, h for η and for χ, kh for κη
        ("lixiarxiki praxi", BIRTH),
        ("lhksiarxikh", BIRTH),
        ("lhxiarxikhs prakshs", BIRTH),
        ("liksiarhiki", BIRTH),
        ("gennisis", BIRTH),
        ("gennhshs", BIRTH),
        ("genisi", BIRTH),
        ("antigrafo", BIRTH),
        ("adigrafo", BIRTH),
        ("xorigisi", BIRTH),
        ("chorigisi", BIRTH),
        ("horhghsh", BIRTH),
        # θ as th or 8, endings that differ
        ("thanatou", DEATH),
        ("8anatou", DEATH),
        ("thanatos", DEATH),
        ("lixiarxiki praxi thanatou", DEATH),
        # αι as ai or e, ου as ou or u
        ("epidoma paidiou", CHILD),
        ("epidoma paidion", CHILD),
        ("epidwma pediou", CHILD),
        # ευ as eu, ey, ev; θ as th
        ("ekaa", EHIC),
        ("EKAA", EHIC),
        ("evropaiki karta", EHIC),
        ("europaikh karta", EHIC),
        ("eyrwpaikh", EHIC),
        ("asfalisi asthenias", EHIC),
        ("asfalish astheneias", EHIC),
        ("adeia", PERMIT),
        ("adia diamonis", PERMIT),
        # ψ and χ
        ("psyxiko", PSYCHIKO),
        ("psixiko", PSYCHIKO),
        ("psuhiko", PSYCHIKO),
        ("psychiko", PSYCHIKO),
        ("filothei", PSYCHIKO),
        ("xania", CHANIA),
        ("hania", CHANIA),
        ("chania", CHANIA),
        ("ypeuthynh dhlwsh", DECLARATION),
        ("ipefthini dilosi", DECLARATION),
        ("ithageneia", CITIZENSHIP),
        ("i8ageneias", CITIZENSHIP),
        ("mitroo arrenon", MALE_REGISTER),
        ("mhtrwo arenwn", MALE_REGISTER),
        ("ptoxeusi", BANKRUPTCY),
        ("ptwxeushs", BANKRUPTCY),
        ("ptohefsi", BANKRUPTCY),
        ("metadhmoteush", MOVE),
        ("metadimotefsi", MOVE),
        ("brefonhpiakos", NURSERY),
        ("paidikos stathmos", NURSERY),
        ("stathmeusi", PARKING),
        ("stathmefsis", PARKING),
        ("e-efka", INSURANCE),
        ("efka", INSURANCE),
        ("e9", TAX_FORM),
        ("ekkatharistiko", CLEARANCE),
        ("ekatharistiko", CLEARANCE),
        # Greek, with or without accents, any case, either sigma
        ("ληξιαρχικη πραξη", BIRTH),
        ("ΠΙΣΤΟΠΟΙΗΤΙΚΟ", FAMILY),
        ("βεβαιωση μονιμησ κατοικιας", RESIDENCE),
        ("Ευρωπαικη", EHIC),
        ("ιθαγενεια", CITIZENSHIP),
        ("ιδιου", CHILD),  # typed from the middle of a word
    ],
)
def test_greek_and_greeklish_find_the_title(typed, title):
    assert matches_any_script(typed, title)


@pytest.mark.parametrize(
    "typed, title",
    [
        ("adeia", CHILD),
        ("thanatou", BIRTH),
        ("gennisis", DEATH),
        ("epidoma", RESIDENCE),
        ("vevaiosi", FAMILY),
        ("gamou", DEATH),
        ("pistopoiitiko oikogeneiakis", "Χορήγηση πιστοποιητικού εγγυτέρων συγγενών"),
        ("psyxiko", "Ψηφιακή υπογραφή"),
        ("xania", "Δήμος Χαλανδρίου"),
        ("anergias", "Επίδομα αναπηρίας"),
        ("diavatirio", "Δίπλωμα οδήγησης"),
        # "ΕΚΑΑ" keeps its double α: not "εκα" in "εκκαθαριστικού"
        ("ekaa", CLEARANCE),
        # a word shorter than four letters must start a word
        ("ika", DEATH),
        ("kot", "Χορήγηση πιστοποιητικού υπηκοότητας"),
        # digits in a short word stay digits: "e9" is Ε9, not "εθ..."
        ("e9", "Δήλωση στο Εθνικό Μητρώο Επικοινωνίας"),
        # a Greek ending is not taken off to match an English word
        ("paidi", "Certificate that municipal fees are paid"),
    ],
)
def test_different_words_do_not_match(typed, title):
    assert not matches_any_script(typed, title)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Πιστοποιητικό", "pistopoiitiko", "pistopiitiko", "ΠΙΣΤΟΠΟΙΗΤΙΚΟ"],
        ["Βεβαίωση", "vevaiosi", "veveosi", "vevaiwsi"],
        ["Ευρωπαϊκή", "evropaiki", "ευρωπαικη"],
        ["θανάτου", "thanatou", "thanatu"],
        ["ψυχικό", "psychiko"],
        ["Ελλάδα", "Ελάδα", "ellada", "elada"],
        ["Μπαίνω", "mpaino", "mpeno"],
        ["Ντοκουμέντα", "ntokoumenta", "dokoumenta"],
        ["Αγγλία", "agglia", "aglia", "agklia"],
    ],
)
def test_spellings_of_one_word_share_one_key(spellings):
    assert len({greeklish_key(spelling) for spelling in spellings}) == 1, [greeklish_key(s) for s in spellings]


def test_the_key_keeps_words_apart_and_drops_punctuation():
    assert greeklish_key("Κάρτα Ασθένειας (ΕΚΑΑ)") == "karta asTenias ekaa"
    assert greeklish_key("  e-ΕΦΚΑ ") == "e efka"


def test_ambiguous_latin_letters_are_read_every_way():
    # h is η or χ, x is ξ or χ
    assert set(query_keys("psihiko")) == {"psiko", "psiHiko"}
    assert "liksiarHiki" in query_keys("lhxiarxikh")
    assert query_keys("ψυχικό") == ("psiHiko",)
    # b is β ("bebaiwsh") or μπ ("baino")
    assert matches_any_script("baino", "Μπαίνω") and matches_any_script("bebaiwsh", "Βεβαίωση")


def test_every_word_must_be_found_but_in_any_of_the_texts():
    assert matches_any_script("vevaiosi residence", RESIDENCE, "Certificate of permanent residence")
    assert not matches_any_script("vevaiosi gamou", RESIDENCE, "Certificate of permanent residence")


def test_english_titles_still_match_english_words():
    assert matches_any_script("birth cert", "Copy of a birth certificate")
    assert matches_any_script("kalamata", "Municipality of Kalamata")


def test_an_empty_query_or_punctuation_matches_everything():
    assert matches_any_script("", FAMILY)
    assert matches_any_script("   ", FAMILY)
    assert matches_any_script("lixiarxiki - praxi", BIRTH)


def test_missing_texts_and_lists_of_keywords_are_fine():
    assert matches_any_script("eforia", "Αντίγραφο Ε1", None, ["εφορία", "φορολογική δήλωση"])
    assert not matches_any_script("eforia", "Αντίγραφο Ε1", None, [])


def test_the_index_returns_matching_items_in_their_original_order():
    titles = [FAMILY, CHILD, RESIDENCE, BIRTH, DEATH, EHIC, PERMIT, CITIZENSHIP]
    index = SearchIndex(titles, lambda title: title)
    assert len(index) == len(titles)
    assert index.search("pistopoihtiko") == [FAMILY, CITIZENSHIP]
    assert index.search("lixiarxiki praxi") == [BIRTH, DEATH]
    assert index.search("adeia") == [PERMIT]
    assert index.search("") == titles
    assert index.search("atlantis") == []


def test_the_index_takes_several_texts_per_item():
    procedures = [
        {"el": "Χορήγηση πιστοποιητικού γέννησης", "en": "Birth certificate", "keywords": ["δημοτολόγιο"]},
        {"el": "Επίδομα παιδιού", "en": "Child benefit", "keywords": None},
    ]
    index = SearchIndex(procedures, lambda p: [p["el"], p["en"], p["keywords"]])
    assert index.search("dhmotologio") == [procedures[0]]
    assert index.search("child") == [procedures[1]]
    assert index.search("paidiou") == [procedures[1]]


def test_searching_a_few_hundred_titles_finds_each_of_them():
    # How fast: scripts/benchmark_search.py measures and prints it; tests never time.
    titles = [f"{title} {number}" for number in range(40) for title in
              (FAMILY, RESIDENCE, BIRTH, DEATH, CHILD, EHIC, PERMIT, CITIZENSHIP, MALE_REGISTER, BANKRUPTCY)]
    index = SearchIndex(titles, lambda title: title)
    assert index.search("pistopoihtiko oikogeneiakhs") == [t for t in titles if t.startswith(FAMILY)]
    assert index.search("eyrwpaikh karta") == [t for t in titles if t.startswith(EHIC)]


greek_or_latin_text = st.text(
    alphabet=st.sampled_from(list("αβγδεζηθικλμνξοπρστυφχψωςάέήίόύώϊΐΑΒΓΩΆ "
                                  "abcdefghijklmnopqrstuvwxyzABC0123456789-.,()«»")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(greek_or_latin_text)
def test_any_text_finds_itself(text):
    assert matches_any_script(text, text)
    assert SearchIndex([text], lambda t: t).search(text) == [text]
