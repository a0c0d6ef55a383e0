import pytest

from kepweb.search import fold, matches


@pytest.mark.parametrize(
    "typed, name",
    [
        ("χανια", "Χανιά"),
        ("ΧΑΝΙΑ", "Χανιά"),
        ("αρτας", "Δήμος Άρτας"),
        ("ΑΡΤΑΣ", "Δήμος Άρτας"),
        ("αρτασ", "Δήμος Άρτας"),
        ("Βοιου", "Δήμος Βοΐου"),
        ("ηρακλειου κρητης", "Δήμος Ηρακλείου Κρήτης"),
        ("kalamata", "Municipality of Kalamata"),
    ],
)
def test_accents_case_and_final_sigma_do_not_matter(typed, name):
    assert matches(typed, name)


def test_every_word_must_match_somewhere():
    assert matches("ηρακλειου αττικης", "Δήμος Ηρακλείου Αττικής", "Αττική")
    assert not matches("ηρακλειου κρητης", "Δήμος Ηρακλείου Αττικής")


def test_an_empty_query_matches_everything():
    assert matches("   ", "anything")


def test_fold_collapses_spaces_and_removes_marks():
    assert fold("  Δήμος   ΆΡΤΑΣ ") == "δημοσ αρτασ"
