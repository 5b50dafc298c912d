"""How values and figures are written on the pages."""

import pytest

from dataquality.reports.display import format_duration, format_number, percent_text, short_run_id, visible_text


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


@pytest.mark.parametrize(("share", "shown"), [
    (None, "—"), (0, "0.0%"), (10 / 120000, "<0.1%"), (0.0005, "0.1%"), (0.5, "50.0%"), (119999 / 120000, ">99.9%"),
    (1, "100.0%"),
])
def test_shares_that_are_not_zero_or_all_never_read_so(share, shown):
    assert percent_text(share) == shown
