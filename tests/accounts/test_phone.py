import pytest
from django.core.exceptions import ValidationError

from pevcoach.accounts.phone import display_phone, looks_like_phone, normalize_phone


@pytest.mark.parametrize("raw", ["+22376123456", "+223 76 12 34 56", "0022376123456", "22376123456",
                                 "76 12 34 56", "76-12-34-56", "76.12.34.56"])
def test_every_usual_way_of_writing_a_number_gives_one_form(raw):
    assert normalize_phone(raw) == "+22376123456"


@pytest.mark.parametrize(
    "raw", ["", "7612345", "761234567", "+33612345678", "16123456", "abcdefgh", "+223 06 12 34 56"]
)
def test_numbers_that_are_not_malian_are_refused_in_french(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert "n'est pas un numéro malien" in info.value.messages[0]


def test_display_groups_digits_by_two():
    assert display_phone("+22376123456") == "+223 76 12 34 56"


def test_a_username_does_not_look_like_a_phone():
    assert looks_like_phone("76 12 34 56")
    assert not looks_like_phone("agent.kadiolo")
