"""Cron expressions in a time zone: parsing by Celery's crontab parser, next due times across daylight saving."""

import datetime as dt

import pytest

from dataquality.cron import InvalidSchedule, next_run_at, parse_cron

UTC = dt.timezone.utc
BERLIN = "Europe/Berlin"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "expression, names",
    [
        ("* * * *", "five fields"),
        ("* * * * * *", "five fields"),
        ("61 * * * *", "minute field"),
        ("0 24 * * *", "hour field"),
        ("0 0 32 * *", "day of month field"),
        ("0 0 * 13 *", "month field"),
        ("0 0 * * 8", "day of week field"),
        ("*/0 * * * *", "minute field"),
        ("0 0 31 2 *", "never occurs"),
        ("every day", "five fields"),
    ],
)
def test_bad_expressions_say_what_is_wrong(expression, names):
    with pytest.raises(InvalidSchedule, match=names):
        parse_cron(expression)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime", "../../etc/passwd", "", "utc+2"])
def test_unknown_zones_are_refused(zone):
    with pytest.raises(InvalidSchedule, match="IANA"):
        next_run_at("0 6 * * *", zone, at(2026, 1, 1))


def test_a_daily_time_follows_the_local_clock_across_spring_forward():
    # 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC from 2026-03-29.
    assert next_run_at("0 9 * * *", BERLIN, at(2026, 3, 27, 8)) == at(2026, 3, 28, 8)
    assert next_run_at("0 9 * * *", BERLIN, at(2026, 3, 28, 8)) == at(2026, 3, 29, 7)


def test_a_daily_time_follows_the_local_clock_across_fall_back():
    assert next_run_at("0 9 * * *", BERLIN, at(2026, 10, 24, 7)) == at(2026, 10, 25, 8)


def test_a_time_in_the_spring_forward_gap_runs_once_shifted_by_the_gap():
    # 02:30 does not exist in Berlin on 2026-03-29: it runs at 03:30 CEST (01:30 UTC), then normally again.
    assert next_run_at("30 2 * * *", BERLIN, at(2026, 3, 28, 12)) == at(2026, 3, 29, 1, 30)
    assert next_run_at("30 2 * * *", BERLIN, at(2026, 3, 29, 1, 30)) == at(2026, 3, 30, 0, 30)


def test_a_fixed_time_in_the_repeated_hour_runs_once():
    # 02:30 happens twice in Berlin on 2026-10-25 (00:30 and 01:30 UTC): only the first one counts.
    assert next_run_at("30 2 * * *", BERLIN, at(2026, 10, 24, 12)) == at(2026, 10, 25, 0, 30)
    assert next_run_at("30 2 * * *", BERLIN, at(2026, 10, 25, 0, 30)) == at(2026, 10, 26, 1, 30)


@pytest.mark.parametrize(
    "start, day",
    [(at(2026, 10, 24, 23, 30), 25), (at(2026, 3, 28, 23, 30), 29)],
    ids=["fall-back: the repeated hour runs again", "spring-forward: no hole, no double"],
)
def test_an_hourly_schedule_keeps_its_pace_across_a_change(start, day):
    due, times = start, []
    for _ in range(4):
        due = next_run_at("0 * * * *", BERLIN, due)
        times.append(due)
    assert times == [at(2026, start.month, day, hour) for hour in range(4)]


def test_weekdays_months_and_steps_as_in_cron():
    # 2026-01-02 is a Friday: the next weekday at 06:15 New York time is Monday 2026-01-05, 11:15 UTC.
    assert next_run_at("15 6 * * 1-5", "America/New_York", at(2026, 1, 2, 12)) == at(2026, 1, 5, 11, 15)
    assert next_run_at("*/20 * * * *", "UTC", at(2026, 1, 1, 0, 20)) == at(2026, 1, 1, 0, 40)
    assert next_run_at("0 0 29 2 *", "UTC", at(2026, 3, 1)) == at(2028, 2, 29)
    assert next_run_at("0 0 1 jan sun", "UTC", at(2026, 1, 1)) == at(2026, 1, 4)  # either day field, as in cron


def test_the_next_time_is_strictly_after_the_given_instant():
    assert next_run_at("0 6 * * *", "UTC", at(2026, 5, 1, 6)) == at(2026, 5, 2, 6)
