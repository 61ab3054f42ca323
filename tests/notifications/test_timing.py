"""Quiet hours and backoff, as plain functions (Bamako time)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from pevcoach.notifications.timing import backoff, parse_quiet_hours, quiet_until
from tests.notifications.conftest import bamako

NIGHT = (datetime.time(21), datetime.time(7))


def test_quiet_hours_across_midnight_end_the_next_morning():
    assert quiet_until(bamako(2025, 3, 11, 22, 30), *NIGHT) == bamako(2025, 3, 12, 7)
    assert quiet_until(bamako(2025, 3, 12, 3), *NIGHT) == bamako(2025, 3, 12, 7)
    assert quiet_until(bamako(2025, 3, 12, 7), *NIGHT) is None
    assert quiet_until(bamako(2025, 3, 12, 20, 59), *NIGHT) is None


def test_quiet_hours_within_a_day():
    assert quiet_until(bamako(2025, 3, 11, 13), datetime.time(12), datetime.time(15)) == bamako(2025, 3, 11, 15)
    assert quiet_until(bamako(2025, 3, 11, 16), datetime.time(12), datetime.time(15)) is None


def test_no_quiet_hours():
    assert quiet_until(bamako(2025, 3, 11, 23), None, None) is None
    assert parse_quiet_hours("off") is None
    assert parse_quiet_hours("21:30-06:00") == (datetime.time(21, 30), datetime.time(6))


def test_bad_quiet_hours_stop_the_app_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_QUIET_HOURS"):
        parse_quiet_hours("late evening")


def test_backoff_doubles_and_is_capped():
    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30, 60) == datetime.timedelta(hours=6)
