"""The seed table of the golden payload test: fixed rows, every kind of column, most anomaly types.

Built from `spark.range(ROWS)` with arithmetic only (no rand(), no hash functions), so every Spark version and every
run gets the same rows. `_pick` spreads planted values over the rows: `pmod(id * multiplier + offset, 1000)` visits
each residue exactly ROWS / 1000 times, so a value given `weight` per mille occurs `weight * ROWS / 1000` times.

Dates stay far from today: ordinary ones in 2000-2020, unlikely ones in 1850-1899 and in 2999 and later, so
`future_count` and the anomalies do not change as the years pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

ROWS = 10_000
SCHEMA_NAME, TABLE_NAME = "golden", "seed_table"

# Planted text values and their weights per mille of the rows (each list sums to 1000).
STATUS_VALUES: tuple[tuple[str | None, int], ...] = (
    ("active", 370), ("Inactive", 120), ("PENDING", 60), (None, 50), ("", 20), ("   ", 20), ("\t", 5),
    (" leading", 20), ("  two leading", 10), ("N/A", 20), ("null", 15), ("NONE", 10), ("unknown", 10), ("-", 5),
    ('"quoted"', 15), ("'single'", 10), ("123", 15), ("-1,234.5", 10), ("1e5", 5), (".5", 5),
    ("2024-03-15", 15), ("03/15/2024", 10), ("31.12.2023", 10), ("2023-02-30", 5), ("2024-02-29", 5),
    ("2023-02-29", 5), ("13/13/2024", 5), ("2024-03-15T10:20:30Z", 5), ("a.b@example.com", 10),
    ("555-123-4567", 10), ("+44 20 7946 0958", 5), ("123-45-6789", 10), ("4111 1111 1111 1111", 10),
    ("4111-1111-1111-1112", 5), ("true", 10), ("FALSE", 10), ("Yes", 10), ("no", 10), ("Ünïcödé", 15),
    ("日本語テキスト", 10), ("Ab1-x", 10), ("20240101", 10), ("padded  ", 10),
)
# More than 95% numeric-like, not all: char_column_number_values.
AMOUNT_TEXT_VALUES = (("12", 400), ("3.50", 300), ("-7", 150), ("1,000", 80), (" 42 ", 50), ("n/a", 10), ("abc", 10))
# More than 95% valid dates, several forms, a few invalid: char_column_date_values.
DATE_TEXT_VALUES = (
    ("2020-01-31", 330), ("2020/02/29", 150), ("12/31/2019", 150), ("31/12/2019", 100), ("01.02.2018", 100),
    ("07-04-2017", 80), ("2019-06-01 12:00:00", 60), ("2021-02-29", 10), ("2020-13-01", 10), ("soon", 10),
)
# At least 80% phone numbers: potential_pii from the values alone (the name hints nothing).
CONTACT_VALUES = (("555-123-4567", 400), ("(555) 987 6543", 300), ("+1 555.222.3333", 150), ("ask", 150))
# Mostly 'yes', never 'no': boolean_value_mismatch.
ANSWER_VALUES = (("yes", 500), ("YES", 100), (" Yes ", 50), ("maybe", 250), ("later", 100))
# The most frequent value is 98%: small_divergent_value_count.
REGION_VALUES = (("EU", 980), ("US", 20))
# Only blank-like values: no_values.
BLANK_VALUES = (("", 500), ("n/a", 300), ("  ", 200))
# Doubles with NaN, negatives, zeros (one of them -0.0) and nulls, few distinct values: top values computed.
AMOUNT_VALUES = (
    (None, 100), ("NaN", 50), ("0.0", 100), ("-0.0", 10), ("-2.5", 150), ("-0.25", 40), ("1.5", 300),
    ("100.75", 200), ("1.0E10", 50),
)

# Contract section 13's column types, each on a column of its own (the seed table's functional types decide some).
FIRST_NAME_VALUES = (("Ada", 600), ("BEN", 300), ("_Chloe", 50), ("1234", 50))  # casing, prefix, no letters
ZIP_VALUES = (("02139", 500), ("94105-1234", 300), ("1234", 100), ("", 100))  # invalid_zip_usa
ZIP3_VALUES = (("021", 600), ("941", 380), ("9", 20))  # invalid_zip3_usa
TAG_VALUES = (("red|sale|new", 500), ("blue|sale|old", 400), ("red", 100))  # delimited_data_embedded
WEIGHT_VALUES = (("1.5 kg", 500), ("800 g", 300), ("2 lbs", 150), ("heavy", 50))  # char_column_number_units
TITLE_VALUES = (("Lamp Pro", 900), ("Lamp\u00a0Pro", 50), ("Lamp\u200bMini", 50))  # non_printing_characters
GENDER_VALUES = (("M", 400), ("Male", 100), ("F", 500))  # variant_coded_values
CITY_VALUES = (("New York", 500), ("NEW YORK", 100), ("Boston", 400))  # standardized_value_matches
ORIGIN_VALUES = (("CA", 300), ("NY", 300), ("TX", 200), ("WA", 200))  # unexpected_us_states
COLOR_VALUES = (("red", 600), ("blue", 390), ("42", 10))  # small_numeric_value_count
# part_ref (below): AB-NNNN, and 2% AANNNN: column_pattern_mismatch.
NICKNAME_VALUES = (("Ace", 500), ("Bo", 490), (None, 10))  # small_missing_value_count
COUNT_TEXT_VALUES = (("12", 500), ("7", 300), ("1,000", 200))  # suggested_type

_NEAR_DATES = "DATE'2000-01-01'"  # ordinary dates: 2000-01-01 plus up to 7300 days (2019-12-27)


def _residue(multiplier: int, offset: int) -> Column:
    """A value in 0..999 per row, each residue held by ROWS / 1000 rows (the multiplier is prime to 1000)."""
    return F.pmod(F.col("id") * multiplier + offset, F.lit(1000))


def _pick(choices: Sequence[tuple[Any, int]], multiplier: int, offset: int = 0) -> Column:
    assert sum(weight for _, weight in choices) == 1000
    residue, bound, picked = _residue(multiplier, offset), 0, None
    for value, weight in choices:
        bound += weight
        condition = residue < bound
        picked = F.when(condition, F.lit(value)) if picked is None else picked.when(condition, F.lit(value))
    return picked


def seed_dataframe(spark: SparkSession) -> DataFrame:
    id_ = F.col("id")
    every = lambda n, start=0: (id_ % n) == start  # noqa: E731 - a row out of every n
    near_days = F.expr("CAST(pmod(id * 7919, 7300) AS INT)")
    ts_seconds = F.expr("946684800 + pmod(id * 104729, 630720000)")  # 2000-01-01 plus up to 20 years
    columns = {
        # Keys: unique integer, integer with duplicates (key name), unique string, nearly unique string (ratio).
        "id": id_,
        "order_number": (id_ % (ROWS - 500)).cast("int"),
        "customer_code": F.concat(F.lit("C"), F.pmod(id_ * 7919, F.lit(1_000_003)).cast("string")),
        "ref": F.concat(F.lit("R-"), (id_ % (ROWS - 50)).cast("string")),
        # Low-cardinality text.
        "status": _pick(STATUS_VALUES, 7),
        "amount_text": _pick(AMOUNT_TEXT_VALUES, 11, 3),
        "date_text": _pick(DATE_TEXT_VALUES, 13, 5),
        "contact": _pick(CONTACT_VALUES, 17, 1),
        "answer": _pick(ANSWER_VALUES, 19, 2),
        "region": _pick(REGION_VALUES, 21, 4),
        "blank_only": _pick(BLANK_VALUES, 23, 6),
        "constant_text": F.lit("X"),
        # The name hints at personal data: potential_pii whatever the values.
        "email": F.when(every(10), F.lit(None)).otherwise(
            F.concat(F.lit("user"), (id_ % 4000).cast("string"), F.lit("@example.org"))
        ),
        # High-cardinality text, non-ASCII patterns included.
        "note": F.concat(
            _pick((("alpha", 400), ("Beta", 300), ("Ünïcode", 200), ("日本", 100)), 29), F.lit("-"),
            F.pmod(id_ * 31, F.lit(5003)).cast("string"),
        ),
        # Numbers.
        "amount": _pick(AMOUNT_VALUES, 31, 7).cast("double"),
        "measure": F.when(every(50, 1), F.lit(None)).otherwise(F.pmod(id_ * 7919, F.lit(15013)) * 0.5 - 1000),
        "quantity": (F.pmod(id_ * 37, F.lit(2001)) - 1000).cast("int"),
        "score": F.pmod(id_ * 3, F.lit(7)).cast("smallint"),
        "price": (F.pmod(id_ * 13, F.lit(400)) * F.lit(0.25)).cast("decimal(10,2)"),
        "discount": F.when(id_ % 10 < 6, F.lit(None)).otherwise((id_ % 5).cast("double")),  # 60% null
        # Dates: a few before 1900 and a few in 2999, the rest in 2000-2019.
        "event_day": F.when(every(1000, 3), F.expr("DATE'1850-06-01'"))
        .when(every(2500, 7), F.expr("DATE'2999-12-31'"))
        .when(every(20, 9), F.lit(None))
        .otherwise(F.date_add(F.expr(_NEAR_DATES), near_days)),
        "event_ts": F.when(every(1000, 4), F.expr("TIMESTAMP'1899-12-31 23:59:59'"))
        .when(every(4000, 8), F.expr("TIMESTAMP'3000-01-01 00:00:00'"))
        .otherwise(F.timestamp_seconds(ts_seconds)),
        "local_ts": F.when(every(5000, 2), F.expr("TIMESTAMP_NTZ'2999-06-30 12:00:00'")).otherwise(
            F.timestamp_seconds(ts_seconds).cast("timestamp_ntz")
        ),
        "is_active": F.when(every(9), F.lit(None)).otherwise(id_ % 3 != 0),
        # Mostly null (95%): high_null_ratio, high severity.
        "legacy_flag": F.when(id_ % 20 == 0, F.lit("Y")),
        "payload": F.concat(F.lit("b"), (id_ % 3000).cast("string")).cast("binary"),
        "tags": F.array(F.lit("t"), (id_ % 3).cast("string")),
        "nothing": F.lit(None).cast("string"),
        # Contract section 13: the table's own key with duplicates, and a column per new column type.
        "table_key": (id_ % (ROWS - 20)).cast("int"),
        "first_name": _pick(FIRST_NAME_VALUES, 37, 1),
        "zip": _pick(ZIP_VALUES, 41, 2),
        "zip3": _pick(ZIP3_VALUES, 43, 3),
        "tag_list": _pick(TAG_VALUES, 47, 4),
        "weight_text": _pick(WEIGHT_VALUES, 49, 5),
        "title": _pick(TITLE_VALUES, 51, 6),
        "gender": _pick(GENDER_VALUES, 53, 7),
        "city": _pick(CITY_VALUES, 57, 8),
        "origin": _pick(ORIGIN_VALUES, 59, 9),
        "part_ref": F.when(every(50), F.concat(F.lit("AB"), (id_ % 9000 + 1000).cast("string")))
        .otherwise(F.concat(F.lit("AB-"), (id_ % 9000 + 1000).cast("string"))),
        "color": _pick(COLOR_VALUES, 63, 11),
        "nickname": _pick(NICKNAME_VALUES, 67, 12),
        "count_text": _pick(COUNT_TEXT_VALUES, 69, 13),
        "login": F.concat(F.lit("member"), (id_ % 5000).cast("string"), F.lit("@example.net")),
        "serial_text": F.concat(F.lit("S"), (id_ % (ROWS - 200)).cast("string")),
    }
    return spark.range(ROWS).select(*[expression.alias(name) for name, expression in columns.items()])


# Fields of the payload that depend on when the engine ran, not on the data.
DETECTED_AT = "<detected_at>"
_AFTER_TODAY = re.compile(r"is after \d{4}-\d{2}-\d{2}")
AFTER_TODAY = "is after <today + unlikely_date_max_years_ahead>"


def without_run_time(table: dict[str, Any]) -> dict[str, Any]:
    """The payload with its run-time fields replaced: anomaly timestamps, and the latest likely date (today plus
    30 years) that unlikely_date_values quotes."""
    for anomaly in table["anomalies"]:
        anomaly["detected_at"] = DETECTED_AT
        anomaly["description"] = _AFTER_TODAY.sub(AFTER_TODAY, anomaly["description"])
    return table


def profile_seed_table(spark: SparkSession) -> dict[str, Any]:
    from notebooks.dq_profiler import ProfileOptions, profile_dataframe

    table = profile_dataframe(
        seed_dataframe(spark), schema_name=SCHEMA_NAME, table_name=TABLE_NAME, options=ProfileOptions()
    )
    return without_run_time(table)
