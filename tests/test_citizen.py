"""GSIS userinfo XML: parsed safely, values tidied, the ΑΦΜ normalised and checked."""

import pytest

from kepweb.auth.citizen import UnusableUserinfo, normalise_tax_id, parse_userinfo

GOOD = ('<root><userinfo userid="User123" taxid="094014201" lastname="ΠΑΠΑΔΟΠΟΥΛΟΥ" firstname="ΜΑΡΙΑ"'
        ' fathername="ΓΕΩΡΓΙΟΣ" mothername="ΕΛΕΝΗ" birthyear="1980"/></root>')


def test_the_citizen_is_read_from_the_attributes():
    citizen = parse_userinfo(GOOD.encode("utf-8"))
    assert citizen.tax_id == "094014201"
    assert citizen.full_name == "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"
    assert (citizen.father_name, citizen.mother_name, citizen.birth_year) == ("ΓΕΩΡΓΙΟΣ", "ΕΛΕΝΗ", "1980")


def test_padding_is_removed_from_every_value():
    padded = GOOD.replace('"ΜΑΡΙΑ"', '"  ΜΑΡΙΑ "').replace('"094014201"', '" 094014201  "')
    citizen = parse_userinfo(padded.encode("utf-8"))
    assert citizen.first_name == "ΜΑΡΙΑ" and citizen.tax_id == "094014201"


@pytest.mark.parametrize("raw, expected", [("00094014201", "094014201"), ("094014201", "094014201"),
                                           (" 090000045 ", "090000045"), ("90000045", "090000045")])
def test_extra_leading_zeros_are_dropped(raw, expected):
    assert normalise_tax_id(raw) == expected


@pytest.mark.parametrize("raw", ["123456789", "", "ABC", "10094014201", "0940142O1"])
def test_an_invalid_tax_number_is_refused(raw):
    with pytest.raises(UnusableUserinfo):
        normalise_tax_id(raw)


@pytest.mark.parametrize("xml", [
    # An entity declaration (billion laughs starts like this) is refused, not expanded.
    '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "094014201">]><root><userinfo taxid="&a;"/></root>',
    # An external entity (XXE).
    '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<root><userinfo taxid="&x;"/></root>',
    '{"error": "invalid_token"}',
    "<root></root>",
    "<html><body>Service unavailable</body></html>",
    "<root><userinfo",
])
def test_unusable_answers_are_refused(xml):
    with pytest.raises(UnusableUserinfo):
        parse_userinfo(xml.encode("utf-8"))
