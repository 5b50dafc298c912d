"""Five-field cron schedules in an IANA time zone.

Each field is parsed by Celery's own crontab parser (`celery.schedules.crontab`), so an expression that Celery
accepts here means the same as in a beat schedule. The next due time is found by walking the group's local
wall-clock days with `zoneinfo`, because Celery's crontab steps in the app's single time zone, and daylight
saving needs two explicit rules (those of Vixie cron):
- a time that does not exist on the day clocks go forward (02:30 in Berlin on 2026-03-29) runs when it would
  have, shifted by the gap (03:30 local time), once;
- a time that occurs twice on the day clocks go back runs at its first occurrence only, unless the expression
  names every hour: then the repeated hour runs again, so "every 15 minutes" keeps its pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from celery.schedules import ParseException, crontab
from django.core.exceptions import ValidationError

# (what the error message calls the field, the crontab argument that parses it), in cron's order.
FIELDS = (
    ("minute", "minute"),
    ("hour", "hour"),
    ("day of month", "day_of_month"),
    ("month", "month_of_year"),
    ("day of week", "day_of_week"),
)
# A 29 February can be eight years away (2096 to 2104), so that is how far the search looks.
SEARCH_DAYS = 8 * 366 + 1


class InvalidSchedule(ValueError):
    """The expression or the zone is not usable; the message says why."""


@dataclass(frozen=True)
class CronSchedule:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days_of_month: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]  # 0 = Sunday, as in cron and Celery
    day_of_month_restricted: bool
    day_of_week_restricted: bool

    def matches_day(self, day: dt.date) -> bool:
        if day.month not in self.months:
            return False
        in_month = day.day in self.days_of_month
        in_week = day.isoweekday() % 7 in self.days_of_week
        if self.day_of_month_restricted and self.day_of_week_restricted:
            return in_month or in_week  # cron's rule: when both day fields are given, either may match
        return in_month and in_week


def parse_cron(expression: str) -> CronSchedule:
    fields = (expression or "").split()
    if len(fields) != len(FIELDS):
        raise InvalidSchedule(
            f"A cron expression has five fields (minute hour day-of-month month day-of-week), not {len(fields)}."
        )
    for (label, argument), value in zip(FIELDS, fields):
        try:
            crontab(**{argument: value})
        except (ValueError, ParseException) as exc:
            raise InvalidSchedule(f"The {label} field {value!r} is not valid: {exc}") from None
    try:
        parsed = crontab(**{argument: value for (_, argument), value in zip(FIELDS, fields)})
    except (ValueError, ParseException) as exc:  # fields valid alone but never due together (31 February)
        raise InvalidSchedule(str(exc)) from None
    return CronSchedule(
        minutes=tuple(sorted(parsed.minute)),
        hours=tuple(sorted(parsed.hour)),
        days_of_month=frozenset(parsed.day_of_month),
        months=frozenset(parsed.month_of_year),
        days_of_week=frozenset(parsed.day_of_week),
        day_of_month_restricted=not fields[2].startswith("*"),
        day_of_week_restricted=not fields[4].startswith("*"),
    )


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    # "localtime" is the machine's zone file, listed where the system keeps one there: not an IANA name.
    return frozenset(available_timezones() - {"localtime"})


def get_zone(name: str) -> ZoneInfo:
    # Only names of the IANA database: ZoneInfo alone would also read paths such as "localtime".
    if name not in _zone_names():
        raise InvalidSchedule(f"{name!r} is not an IANA time zone name (for example UTC or Europe/Berlin).")
    return ZoneInfo(name)


def next_due_after(schedule: CronSchedule, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """The first due instant strictly after `after` (an aware datetime), in UTC."""
    first_day = after.astimezone(zone).date()
    for offset in range(SEARCH_DAYS):
        day = first_day + dt.timedelta(days=offset)
        if not schedule.matches_day(day):
            continue
        later = [instant for instant in _instants_on(schedule, zone, day) if instant > after]
        if later:
            return min(later)
    raise InvalidSchedule("The expression is never due.")


def _instants_on(schedule: CronSchedule, zone: ZoneInfo, day: dt.date):
    every_hour = len(schedule.hours) == 24
    for hour in schedule.hours:
        for minute in schedule.minutes:
            wall = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            # fold=0 maps a time in the spring-forward gap to the offset before it, i.e. shifted forward.
            yield wall.astimezone(dt.timezone.utc)
            repeated = wall.replace(fold=1)
            if every_hour and repeated.utcoffset() < wall.utcoffset():  # the hour clocks go back over
                yield repeated.astimezone(dt.timezone.utc)


def next_run_at(expression: str, zone_name: str, after: dt.datetime) -> dt.datetime:
    return next_due_after(parse_cron(expression), get_zone(zone_name), after)


# --- validators of the model fields, so the API and the admin form reject the same input ---------------------


def validate_cron_expression(value: str) -> None:
    if not value:
        return  # blank: no schedule
    try:
        next_run_at(value, "UTC", dt.datetime.now(dt.timezone.utc))
    except InvalidSchedule as exc:
        raise ValidationError(str(exc)) from None


def validate_timezone_name(value: str) -> None:
    try:
        get_zone(value)
    except InvalidSchedule as exc:
        raise ValidationError(str(exc)) from None
