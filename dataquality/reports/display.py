"""How figures and stored values are written on the pages: plain strings, so templates only place them."""

from __future__ import annotations

import math

# Leading and trailing whitespace is the problem a profile most often reports and a browser most often hides.
# "␣" (open box) rather than "␠" (symbol for space): common fonts, Debian's DejaVu among them, have a glyph for
# the first and none for the second, which would show as a missing-glyph box.
_VISIBLE_WHITESPACE = {" ": "␣", "\t": "⇥", "\n": "↵", "\r": "↵"}
EMPTY_STRING = "''"


def visible_text(value: str | None) -> str | None:
    """`value` with its leading and trailing whitespace drawn (`" open"` → `"␣open"`), `''` for the empty string.

    None stays None, so a template can say "null" in its own style.
    """
    if value is None:
        return None
    if value == "":
        return EMPTY_STRING
    core = value.strip()
    if core == value:
        return value
    if not core:
        return _draw_whitespace(value)
    start = value.index(core[0])
    end = start + len(core)
    return _draw_whitespace(value[:start]) + core + _draw_whitespace(value[end:])


def _draw_whitespace(text: str) -> str:
    return "".join(_VISIBLE_WHITESPACE.get(char, "·") for char in text)


def format_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def format_number(value: float | None) -> str:
    """A float with at most four significant decimals, thousands separated; integral values without decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def format_percent(part: int | None, whole: int | None) -> str:
    return percent_text(ratio(part, whole))


def percent_text(share: float | None) -> str:
    """A share with one decimal; a share that is not zero never reads 0.0% (10 distinct of 120,000 is `<0.1%`),
    nor one short of all 100.0%."""
    if share is None:
        return "—"
    if 0 < share < 0.0005:
        return "<0.1%"
    if 0.9995 <= share < 1:
        return ">99.9%"
    return f"{share * 100:.1f}%"


def ratio(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def format_duration(milliseconds: int | None) -> str:
    if milliseconds is None:
        return "—"
    seconds = round(milliseconds / 1000)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def short_run_id(profile_run_id) -> str:
    """The first block of the run's UUID: enough to tell runs apart on a page, the full id is one click away."""
    return str(profile_run_id).split("-", 1)[0]
