"""The comparison with the previous run: changes told in points or relative terms, notable ones marked."""

from dataquality.models import ProfileColumn, ProfileResult
from dataquality.reports.comparison import compare_table


def column(name, **metrics):
    metrics.setdefault("row_count", 100)
    return ProfileColumn(column_name=name, **metrics)


def test_changes_of_each_compared_metric():
    before = [column("a", null_count=1, distinct_count=50, mean=10.0), column("gone")]
    after = [column("a", null_count=9, distinct_count=52, mean=10.0), column("new")]

    compared = compare_table(ProfileResult(row_count=40), after, 100, before, pii_columns=set())

    assert (compared.row_count.delta_text, compared.row_count.notable) == ("-60.0%", True)
    kept, added, dropped = compared.columns
    nulls, distinct, mean = kept.changes
    assert (nulls.previous_text, nulls.current_text, nulls.delta_text, nulls.notable) == ("1.0%", "9.0%", "+8.0 pts", True)
    assert (distinct.delta_text, distinct.notable) == ("+4.0%", False)
    assert (mean.delta_text, mean.direction, mean.notable) == ("±0", "same", False)
    assert (added.name, added.state, dropped.name, dropped.state) == ("new", "added", "gone", "dropped")
    assert compared.notable_columns == 3


def test_a_pii_columns_mean_is_withheld():
    before, after = [column("email", mean=1.5)], [column("email", mean=9.5)]
    compared = compare_table(ProfileResult(row_count=1), after, 1, before, pii_columns={"email"})
    assert compared.columns[0].changes[2].current_text == "withheld"
    assert "9.5" not in str(compared)


def test_a_figure_missing_on_either_side_is_not_a_change():
    compared = compare_table(ProfileResult(row_count=None), [column("a")], 5, [column("a")], pii_columns=set())
    assert compared.row_count.direction == "unknown" and not compared.row_count.notable
    assert compared.columns[0].changes[2].delta_text == ""
