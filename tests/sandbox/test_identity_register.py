"""The identity register's stand-in answers each case the KEP's console must handle."""

from __future__ import annotations

import pytest

from sandbox.scheduling.identity_register import look_up, normalised

MARIA, GIORGOS = "094014201", "135792468"


@pytest.mark.parametrize(("kind", "number", "tax_id", "answer"), [
    ("identity_card", "ΑΚ 123456", MARIA, "match"),
    ("identity_card", "ak-123456", MARIA, "match"),  # typed on a Latin keyboard, in small letters
    ("identity_card", "ΑΗ987654", MARIA, "reported_lost"),
    ("passport", "ΑΝ1234567", MARIA, "expired"),
    ("identity_card", "ΑΒ246802", MARIA, "other_person"),
    ("passport", "ΑΚ123456", MARIA, "not_in_register"),  # the right number, but not a passport's
    ("identity_card", "ΧΧ000000", GIORGOS, "not_in_register"),
    ("residence_permit", "TEP 2026 001", "998877666", "match"),
])
def test_the_register_answers_each_case(kind, number, tax_id, answer):
    assert look_up(kind, number, tax_id) == answer


def test_latin_lookalikes_are_read_as_the_greek_capitals_the_register_keeps():
    assert normalised("AK 123456") == normalised("ΑΚ123456") == "ΑΚ123456"
