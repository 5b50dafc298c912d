"""How values and figures are written on the pages."""

import pytest

from dataquality.reports.display import format_duration, format_number, short_run_id, visible_text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (" open", "␣open"),
        ("open ", "open␣"),
        ("", "''"),
        ("   ", "␣␣␣"),
        ("\tx\n", "⇥x↵"),
        ("a b", "a b"),  # inner spaces are plain text
        ("plain", "plain"),
        (None, None),
    ],
)
def test_whitespace_at_the_edges_is_drawn(stored, shown):
    assert visible_text(stored) == shown


@pytest.mark.parametrize(
    ("milliseconds", "shown"),
    [(None, "—"), (400, "0s"), (59_000, "59s"), (95_000, "1m 35s"), (3_725_000, "1h 02m")],
)
def test_durations(milliseconds, shown):
    assert format_duration(milliseconds) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "—"), (2.0, "2"), (131.23456, "131.2"), (0.012345, "0.01235"), (12345.67, "12,345.7")]
)
def test_numbers(value, shown):
    assert format_number(value) == shown


def test_short_run_id_is_the_uuids_first_block():
    assert short_run_id("86e579c2-3a0e-40ab-974f-cf317be24448") == "86e579c2"
