"""SMS length rules, without a database: GSM-7 or UCS-2, one segment, a clean cut."""

from hypothesis import given
from hypothesis import strategies as st

from pevcoach.notifications import sms

LINK = "https://pevcoach.example.ml/n/Ab12Cd34"


def test_a_short_text_is_kept_whole_with_its_link():
    assert sms.fit("PEV Coach: séance demain à 09:00", LINK) == f"PEV Coach: séance demain à 09:00 {LINK}"


def test_french_accents_missing_from_gsm7_are_replaced_so_160_characters_remain():
    text = sms.fit("Fenêtre, façon, âge, cœur, « guillemets »", LINK)
    assert text.startswith('Fenetre, facon, age, coeur, " guillemets "')
    assert sms.is_gsm7(text)


def test_a_long_message_is_cut_at_a_word_and_keeps_its_link_whole():
    message = "PEV Coach: " + " ".join(["vaccination"] * 30)
    text = sms.fit(message, LINK)
    assert text.endswith("... " + LINK)
    assert sms.units(text) <= 160 and sms.segments(text) == 1
    assert text.split("...")[0].split()[-1] == "vaccination"  # no half word


def test_a_character_outside_gsm7_makes_it_ucs2_with_70_characters():
    message = "Ɲɛnajɛ ka kɛ sɔgɔma: " + "a" * 100  # Bambara letters have no GSM-7 form
    text = sms.fit(message, LINK)
    assert not sms.is_gsm7(text)
    assert sms.units(text) <= 70 and text.endswith(LINK)


def test_extension_characters_count_twice():
    assert sms.units("[€]") == 6
    assert sms.segments("€" * 80) == 1 and sms.segments("€" * 81) == 2


def test_more_segments_when_the_setting_allows_them():
    message = " ".join(["rappel"] * 60)
    assert sms.units(sms.fit(message, LINK, max_segments=2)) <= 306
    assert sms.segments(sms.fit(message, LINK, max_segments=2)) == 2


@given(st.text(max_size=400), st.integers(min_value=1, max_value=3))
def test_any_text_fits_its_segments_and_ends_with_the_link(message, max_segments):
    text = sms.fit(message, LINK, max_segments=max_segments)
    assert sms.segments(text) <= max_segments
    assert text.endswith(LINK)
