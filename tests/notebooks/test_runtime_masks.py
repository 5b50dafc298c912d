import pytest

from notebooks.dq_profiler.runtime.masks import like_to_regex, parse_mask, select_by_masks


def test_parse_mask_splits_on_commas_and_drops_blanks():
    assert parse_mask(" sales_%, ,tmp% ,") == ["sales_%", "tmp%"]
    assert parse_mask("") == []
    assert parse_mask(None) == []


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("sales%", "sales", True),
        ("sales%", "SALES_2024", True),  # case-insensitive
        ("sales%", "presales", False),  # anchored at the start
        ("%_fact", "order_fact", True),
        ("%_fact", "order_facts", False),  # anchored at the end
        ("dim__", "dim_a", True),  # `_` is exactly one character
        ("dim__", "dim_ab", False),
        ("a.b", "a.b", True),  # regex characters are literal
        ("a.b", "axb", False),
        ("tmp\\_%", "tmp_x", True),  # escaped underscore is literal
        ("tmp\\_%", "tmpx", False),
        ("100\\%", "100%", True),
        ("100\\%", "1000", False),
    ],
)
def test_like_pattern_matching(pattern, name, matches):
    assert bool(like_to_regex(pattern).fullmatch(name)) is matches


def test_select_by_masks_include_then_exclude_and_exclude_wins():
    names = ["orders", "order_lines", "order_tmp", "customers", "tmp_orders"]
    assert select_by_masks(names, "order%", "%tmp%") == ["orders", "order_lines"]
    assert select_by_masks(names, "order%,customers", "") == ["orders", "order_lines", "order_tmp", "customers"]
    assert select_by_masks(names, "orders", "orders") == []


def test_blank_include_mask_means_everything_and_blank_exclude_excludes_nothing():
    names = ["a", "b"]
    assert select_by_masks(names, "", None) == ["a", "b"]
    assert select_by_masks(names, " , ", "b") == ["a"]
