"""The text predicates and patterns behind the text metrics, value by value, in one Spark query."""

import pytest
from pyspark.sql import functions as F

from notebooks.dq_profiler import text_checks

CHECKS = {
    "blank": text_checks.is_blank_like,
    "leading": text_checks.has_leading_space,
    "quoted": text_checks.is_quoted,
    "numeric": text_checks.is_numeric_like,
    "date": text_checks.is_date_like,
    "email": text_checks.is_email_like,
    "phone": text_checks.is_phone_like,
    "ssn": text_checks.is_ssn_like,
    "card": text_checks.is_card_like,
    "true": lambda value: text_checks.is_boolean_word(value, "true"),
}
# value -> the checks it passes (every other check must be false)
CASES = {
    "2024-01-31": {"date"},
    "2024-02-29": {"date"},
    "2000-02-29": {"date"},
    "1900-02-29": set(),
    "2023-02-29": set(),
    "2024-04-31": set(),
    "12/31/2024": {"date"},
    "31/12/2024": {"date"},
    "13/13/2024": set(),
    "31.12.2024": {"date"},
    "2024-01-31T10:20:30Z": {"date"},
    "2024-01-31 10:20:30.123+02:00": {"date"},
    "20240101": {"numeric"},
    "": {"blank"},
    "\t \t": {"blank"},
    " N/A ": {"blank", "leading"},
    "Unknown": {"blank"},
    "?": {"blank"},
    "  lead": {"leading"},
    "'x'": {"quoted"},
    '"y"': {"quoted"},
    "'": set(),
    "-1,234.5": {"numeric"},
    ".5e3": {"numeric"},
    "1.2.3": set(),
    "someone@example.co.uk": {"email"},
    "not an @email": set(),
    "(555) 123-4567": {"phone"},
    "+44 20 7946 0958": {"phone"},
    "5551234567": {"numeric"},
    "123-45-6789": {"ssn"},
    "4111 1111 1111 1111": {"card"},
    "4111-1111-1111-1112": set(),
    "378282246310005": {"card", "numeric"},
    " TRUE ": {"true", "leading"},
    "untrue": set(),
}


@pytest.fixture(scope="module")
def results(spark):
    df = spark.createDataFrame([(value,) for value in CASES], "v string")
    value = F.col("v")
    rows = df.select("v", *[check(value).alias(name) for name, check in CHECKS.items()]).collect()
    return {row["v"]: {name for name in CHECKS if row[name]} for row in rows}


@pytest.mark.parametrize("value", list(CASES), ids=repr)
def test_checks(results, value):
    assert results[value] == CASES[value]


def test_null_passes_no_check(spark):
    row = spark.createDataFrame([(None,)], "v string").select(*[check(F.col("v")) for check in CHECKS.values()]).first()
    assert all(result is None for result in row)


@pytest.mark.parametrize(
    ("value", "pattern"),
    [("AB-123 x", "AA-NNN a"), ("Émile 7", "Aaaaa N"), ("2024-01-31", "NNNN-NN-NN"), ("", "")],
)
def test_patterns(spark, value, pattern):
    row = spark.createDataFrame([(value,)], "v string").select(text_checks.pattern_of(F.col("v"))).first()
    assert row[0] == pattern


# Values that pass some check, beyond CASES: every blank token and boolean word, in both cases and padded.
_WORDS = [
    form
    for word in (*text_checks.BLANK_TOKENS, *text_checks.BOOLEAN_WORDS)
    for form in (word, word.upper(), word.capitalize(), f" {word}\t")
]


_URLS = ["http://example.com", " HTTPS://example.com", "www.example.org", "Ftp://files.example.net", "WWW.x.io"]


def test_a_value_that_passes_any_check_may_match_a_check(spark):
    """The gate before the checks never hides a match: no check can pass a value the gate turns away."""
    df = spark.createDataFrame([(value,) for value in [*CASES, *_WORDS, *_URLS]], "v string")
    value = F.col("v")
    any_check = None
    for check in text_checks.VALUE_COUNT_CHECKS.values():
        any_check = check(value) if any_check is None else any_check | check(value)
    rows = df.select("v", any_check.alias("any"), text_checks.may_match_a_check(value).alias("gate")).collect()
    assert sum(row["any"] for row in rows) > len(_WORDS) + len(_URLS)  # the table does exercise the checks
    assert [row["v"] for row in rows if row["any"] and not row["gate"]] == []


@pytest.mark.parametrize("value", ["key-1A2B3C", "alpha", "Émile 7", "Zürich"])
def test_typical_identifiers_and_names_skip_every_check(spark, value):
    row = spark.createDataFrame([(value,)], "v string").select(text_checks.may_match_a_check(F.col("v"))).first()
    assert row[0] is False


# The pattern checks' meaning, written on the value itself: what they computed per distinct value before they
# were moved onto the patterns.
def _value_reference_checks(value):
    pattern = text_checks.pattern_of(value)
    has_letter = (F.instr(pattern, "a") > 0) | (F.instr(pattern, "A") > 0)
    trimmed = F.trim(value)
    return {
        "non_printing_count": text_checks.has_non_printing_character(value),
        "upper_case_count": (value == F.upper(value)) & (value != F.lower(value)),
        "mixed_case_count": (value != F.upper(value)) & (value != F.lower(value)),
        "json_like_count": F.substring(trimmed, 1, 1).isin("{", "[") & F.substring(trimmed, -1, 1).isin("}", "]"),
        "no_letter_count": ~has_letter & ~text_checks.is_blank_like(value),
        "non_alpha_prefix_count": ~F.substring(pattern, 1, 1).isin("a", "A", " ", "\t", "\n", "\x0b", "\x0c", "\r")
        & has_letter,
        "us_zip_count": pattern.isin("NNNNN", "NNNNN-NNNN", "NNNNNNNNN"),
        "us_zip3_count": pattern == "NNN",
        "delimited_count": _has_any(value, ",;|\t") & value.rlike(text_checks._DELIMITED_LIST)
        & ~value.rlike(text_checks._NUMERIC),
    }


def _has_any(value, characters):
    found = F.lit(False)
    for character in characters:
        found = found | (F.instr(value, character) > 0)
    return found


def _engine_answers(value):
    """Each pattern check as pass 2 counts it: on the pattern; lists less the numbers among them, which are
    counted per value behind the checks' first-character gate."""
    pattern = text_checks.pattern_of(value)
    answers = {name: check(pattern) for name, check in text_checks.PATTERN_COUNT_CHECKS.items()}
    number = text_checks.may_match_a_check(value) & text_checks.is_number_with_list_shape(value)
    answers["delimited_count"] = answers["delimited_count"] & ~number
    return answers


_PATTERN_CASES = [
    "", " ", "\t", "-", " ? ", "?", "--", "N/A", "n/a", "null", "Unknown", "1234", "12345", "12345-6789", "123456789",
    "123", "0", "1,234.5", "ABC", "abc", "Abc", "aBC", "ABC1", "_Smith", "1Ada", " lead", "\u00a0nbsp", "zero\u200bwidth",
    "soft\u00adhyphen", "tab\tinside", "bell\x07", "del\x7f", "bom\ufeff", '{"a": 1}', " [1, 2] ", "{x", "[]",
    "Émile", "ÉCOLE", "straße", "İSTANBUL", "Zürich", "東京", "東京1", "Ωmega", "ωμέγα", "ΑΘΗΝΑ", "€100", "100€",
    "北京-Beijing", "señor", "NIÑO", "Ab\u00a0Cd", "(555) 123-4567", "user@example.com", "a|b|c", "N", "NA", "NNN",
    "red,green,blue", "1,234,567", " 1,234,567.5 ", "1,234,567e5", "1,234,567x5", "-1,234,567", "red;green;blue",
    "a\tb\tc", "x|y", "日本,中国,韓国", "𝑎,𝑏,𝑐", "one, two, three", "a,,b,c", "a,b;c", "x" * 31 + ",b,c", "1,2,3",
]


def test_pattern_checks_give_the_same_answers_as_on_the_value(spark):
    """Counted once per pattern, the checks answer as they did once per value: the pattern keeps what they read."""
    df = spark.createDataFrame([(value,) for value in _PATTERN_CASES], "v string")
    value = F.col("v")
    reference = _value_reference_checks(value)
    engine = _engine_answers(value)
    rows = df.select(
        "v",
        *[engine[name].alias(f"pattern_{name}") for name in text_checks.PATTERN_COUNT_CHECKS],
        *[reference[name].alias(f"value_{name}") for name in text_checks.PATTERN_COUNT_CHECKS],
    ).collect()
    assert set(reference) == set(text_checks.PATTERN_COUNT_CHECKS)
    differences = [
        (row["v"], name)
        for row in rows
        for name in text_checks.PATTERN_COUNT_CHECKS
        if row[f"pattern_{name}"] != row[f"value_{name}"]
    ]
    assert differences == []
    matched = {name for row in rows for name in text_checks.PATTERN_COUNT_CHECKS if row[f"pattern_{name}"]}
    assert matched == set(text_checks.PATTERN_COUNT_CHECKS)  # every check matches some case: the cases exercise them


def test_a_number_with_thousands_separators_has_a_lists_shape_but_is_no_list(spark):
    df = spark.createDataFrame([("1,234,567",), ("1,234,567x5",)], "v string")
    value = F.col("v")
    rows = df.select(
        text_checks.has_list_shape(text_checks.pattern_of(value)), _engine_answers(value)["delimited_count"]
    ).collect()
    assert [tuple(row) for row in rows] == [(True, False), (True, True)]
