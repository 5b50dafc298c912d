"""A small, realistic and deliberately dirty warehouse for the demo and the end-to-end tests.

Four tables of a shop (`customers`, `products`, `orders`, `payments`) written as parquet under
`<data-dir>/warehouse/<catalog>/<schema>/<table>`, where the local Databricks stand-in reads them as
`catalog.schema.table`. Every value is a function of the row number (`xxhash64` of the id and a salt), so the same
scale always gives the same tables, whatever the partitioning. The dirt is planted so that a profile raises most of
the anomaly catalogue (docs/anomalies.md): each column says which type it is there for.

Pure PySpark, no Django: `python -m dataquality.demo.warehouse --data-dir var/demo` runs it in a process of its own,
so its JVM is gone when it ends.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

CATALOG = "main"
SCHEMA = "shop"
# Bump when a table's definition changes, so that an existing warehouse is regenerated.
GENERATOR_VERSION = 4
MARKER_FILE = "_generated.json"


@dataclass(frozen=True)
class TableSpec:
    name: str
    rows: int
    build: Callable  # (spark, rows) -> DataFrame


def warehouse_root(data_dir: Path) -> Path:
    return Path(data_dir) / "warehouse"


def table_path(data_dir: Path, table: str, *, catalog: str = CATALOG, schema: str = SCHEMA) -> Path:
    return warehouse_root(data_dir) / catalog / schema / table


# --- deterministic building blocks ---------------------------------------------------------------


def _F():
    from pyspark.sql import functions as F

    return F


def _draw(salt: str, modulo: int):
    """A pseudo-random integer in [0, modulo) per row, fixed by the row id and the salt."""
    F = _F()
    return F.pmod(F.xxhash64(F.col("id"), F.lit(salt)), F.lit(modulo))


def _pick(salt: str, values: Sequence[str]):
    """One of `values` per row, evenly."""
    F = _F()
    return F.element_at(F.array(*[F.lit(value) for value in values]), (_draw(salt, len(values)) + 1).cast("int"))


def _every(salt: str, per_thousand: int):
    """True for about `per_thousand` rows in a thousand."""
    return _draw(salt, 1000) < per_thousand


FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
               "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tara")
LAST_NAMES = ("Smith", "Garcia", "Okafor", "Nguyen", "Muller", "Rossi", "Kowalski", "Tanaka", "Silva", "Haddad",
              "Jensen", "Dubois", "Novak", "Costa", "Levi", "Murphy")
CITIES = ("Berlin", "Lisbon", "Austin", "Osaka", "Lagos", "Toronto", "Lyon", "Krakow", "Dublin", "Pune")
CATEGORIES = ("books", "garden", "kitchen", "toys", "outdoor", "office", "audio", "pets")
ORDER_STATUSES = ("delivered", "delivered", "delivered", "shipped", "shipped", "pending", "returned")
PAYMENT_METHODS = ("card", "card", "card", "paypal", "bank_transfer")


# --- the tables ----------------------------------------------------------------------------------


def customers(spark, rows: int):
    F = _F()
    base = spark.range(1, rows + 1)
    first = _pick("first", FIRST_NAMES)
    last = _pick("last", LAST_NAMES)
    city = _pick("city", CITIES)
    return base.select(
        # duplicate_key_values: a handful of customers were loaded twice.
        F.when(_every("dup-customer", 2), F.col("id") - 1).otherwise(F.col("id")).alias("customer_id"),
        # leading_spaces: a careless import padded some names; inconsistent_casing: a form that shouted.
        F.when(_every("pad", 15), F.concat(F.lit("  "), first))
        .when(_every("shout", 20), F.upper(first)).otherwise(first).alias("first_name"),
        # quoted_values: a CSV round trip left quotes around some names (and so a non_alpha_prefixed_name).
        F.when(_every("quote", 10), F.concat(F.lit('"'), last, F.lit('"'))).otherwise(last).alias("last_name"),
        # no_values: never filled in.
        F.lit(None).cast("string").alias("middle_name"),
        # potential_pii (by name and by values).
        F.lower(F.concat(first, F.lit("."), last, F.col("id").cast("string"), F.lit("@example.com"))).alias("email"),
        F.format_string("+1 %03d-555-%04d", 200 + _draw("area", 700), _draw("line", 10000)).alias("phone"),
        # potential_pii by values only: the column name says nothing.
        F.format_string("%03d-%02d-%04d", 100 + _draw("s1", 800), 10 + _draw("s2", 89), 1000 + _draw("s3", 8999))
        .alias("tax_reference"),
        # small_missing_value_count: a few cities never entered; standardized_value_matches: some typed in
        # capitals by a second system (also inconsistent_casing).
        F.when(_every("city-missing", 5), F.lit(None).cast("string"))
        .when(_every("city-caps", 30), F.upper(city)).otherwise(city).alias("city"),
        # invalid_zip_usa: US zip codes, a few of them cut short or not numbers at all.
        F.when(_every("zip-bad", 10), _pick("zip-bad-value", ("1234", "ABCDE", "9021")))
        .otherwise(F.format_string("%05d", 501 + _draw("zip", 99000))).alias("zip"),
        # variant_coded_values: two systems coded gender differently.
        _pick("gender", ("F", "M", "Female", "Male", "F", "M")).alias("gender"),
        # small_divergent_value_count: nearly every customer is in one country.
        F.when(_every("country", 985), F.lit("US")).otherwise(_pick("country-other", ("CA", "MX", "GB"))).alias("country"),
        # non_standard_blanks: 'N/A', '' and 'unknown' instead of nulls.
        F.when(_every("region-blank", 40), _pick("region-token", ("N/A", "", "unknown")))
        .otherwise(_pick("region", ("north", "south", "east", "west"))).alias("region"),
        # char_column_date_values: dates kept as text, a few of them garbage.
        F.when(_every("signup-bad", 8), F.lit("not a date"))
        .otherwise(F.date_format(F.date_sub(F.lit("2026-06-30").cast("date"), _draw("signup", 3000).cast("int")), "yyyy-MM-dd"))
        .alias("signup_date"),
        # unlikely_date_values (a 1850 placeholder) and potential_pii by name.
        F.when(_every("dob-placeholder", 5), F.lit("1850-01-01").cast("date"))
        .otherwise(F.date_sub(F.lit("2004-01-01").cast("date"), _draw("dob", 20000).cast("int"))).alias("birth_date"),
        # boolean_value_mismatch: 'yes' or a free-text status, never 'no'.
        F.when(_every("optin", 600), F.lit("yes")).otherwise(F.lit("pending")).alias("newsletter_opt_in"),
        # high_null_ratio: most customers never joined the loyalty programme.
        F.when(_every("tier", 300), _pick("tier-value", ("silver", "gold", "platinum"))).alias("loyalty_tier"),
        # constant_column: every row came from one source system.
        F.lit("crm").alias("source_system"),
    )


def products(spark, rows: int):
    F = _F()
    base = spark.range(1, rows + 1)
    name = F.concat_ws(" ", _pick("adjective", ("Classic", "Compact", "Deluxe", "Eco", "Smart")),
                       _pick("noun", ("Lamp", "Kettle", "Chair", "Speaker", "Planter", "Notebook")))
    return base.select(
        F.col("id").cast("int").alias("product_id"),
        # duplicate_key_values on a string key: a few SKUs were reused.
        F.format_string("SKU-%06d", F.when(_every("sku-dup", 10), F.col("id") + 1).otherwise(F.col("id"))).alias("sku"),
        # non_printing_characters: names pasted from a web page kept its no-break spaces.
        F.when(_every("nbsp", 30), F.regexp_replace(name, " ", "\u00a0")).otherwise(name).alias("product_name"),
        _pick("category", CATEGORIES).alias("category"),
        # delimited_data_embedded: tags kept as one pipe-delimited string.
        F.concat_ws("|", _pick("tag-a", ("eco", "gift", "bestseller")), _pick("tag-b", ("sale", "new", "classic")),
                    _pick("tag-c", CATEGORIES)).alias("tags"),
        # char_column_number_units: the shipping weight typed with its unit.
        F.when(_every("weight-grams", 400), F.format_string("%d g", 50 + _draw("ship-g", 950)))
        .otherwise(F.format_string("%.1f kg", (_draw("ship-kg", 200) + 10) / 10)).alias("shipping_weight"),
        # suggested_type: stock kept as text by a legacy export, every value a number.
        _draw("stock", 500).cast("string").alias("stock_text"),
        # char_column_number_values: prices kept as text, a few not numbers at all.
        F.when(_every("price-text", 20), F.lit("call us"))
        .otherwise(F.format_string("%.2f", (_draw("price", 20000) + 99) / 100)).alias("list_price"),
        F.when(_every("weight-null", 100), F.lit(None)).otherwise((_draw("weight", 5000) + 50) / 1000).alias("weight_kg"),
        _every("discontinued", 80).alias("discontinued"),
        # constant_column.
        F.lit("USD").alias("currency"),
    )


def orders(spark, rows: int, customer_rows: int, product_rows: int):
    F = _F()
    base = spark.range(1, rows + 1)
    ordered_seconds = F.lit(1704067200) + _draw("ordered", 900 * 86400)  # 2024-01-01 plus up to 900 days
    ordered = F.timestamp_seconds(ordered_seconds)
    return base.select(
        F.col("id").alias("order_id"),
        # A reference to customers, repeating by design: id_foreign, not a key with duplicates.
        (_draw("customer", customer_rows) + 1).alias("customer_id"),
        # multiple_types_minor: bigint here, int in products.
        (_draw("product", product_rows) + 1).alias("product_id"),
        # unlikely_date_values: a year typed as 2099.
        F.when(_every("order-2099", 1), F.lit("2099-12-31").cast("date")).otherwise(F.to_date(ordered)).alias("order_date"),
        F.when(_every("not-shipped", 150), F.lit(None).cast("timestamp"))
        .otherwise(F.timestamp_seconds(ordered_seconds + (_draw("ship", 6) + 1) * 86400))
        .alias("shipped_at"),
        # leading_spaces in a code column.
        F.when(_every("status-pad", 5), F.concat(F.lit(" "), _pick("status", ORDER_STATUSES)))
        .otherwise(_pick("status", ORDER_STATUSES)).alias("status"),
        # Negative totals are refunds: visible as negative_count in the profile.
        (F.when(_every("refund", 20), -1).otherwise(1) * (_draw("total", 50000) + 500) / 100)
        .cast("decimal(12,2)").alias("order_total"),
        F.when(_every("discount", 120), (_draw("discount-pct", 30) + 5) / 100).otherwise(F.lit(0.0)).alias("discount_rate"),
        # high_null_ratio, severe: coupons are rare.
        F.when(_every("coupon", 60), F.format_string("SPRING%02d", _draw("coupon-n", 40))).alias("coupon"),
        _pick("channel", ("web", "web", "app", "store")).alias("channel"),
    )


def payments(spark, rows: int, order_rows: int):
    F = _F()
    base = spark.range(1, rows + 1)
    # Luhn-valid 16-digit test card numbers: 15 digits, then the check digit that makes them valid.
    body = F.format_string("4%014d", _draw("card", 10**14))
    return base.select(
        F.col("id").alias("payment_id"),
        (_draw("order", order_rows) + 1).alias("order_id"),
        _pick("method", PAYMENT_METHODS).alias("method"),
        # potential_pii: card numbers (Luhn-valid) under an innocent name.
        F.when(F.col("id") % 5 < 4, F.concat(body, _luhn_check_digit(body))).alias("instrument"),
        ((_draw("amount", 50000) + 500) / 100).cast("decimal(12,2)").alias("amount"),
        # char_column_number_values: an amount kept as text by a legacy export.
        F.when(_every("legacy-bad", 10), F.lit("refunded")).otherwise(F.format_string("%.2f", (_draw("amount", 50000) + 500) / 100))
        .alias("amount_text"),
        F.timestamp_seconds(F.lit(1704067200) + _draw("paid", 900 * 86400)).alias("paid_at"),
        # boolean_value_mismatch: 'true' or 'unknown', never 'false'.
        F.when(_every("captured", 700), F.lit("true")).otherwise(F.lit("pending")).alias("captured"),
    )


def _luhn_check_digit(digits_column):
    """The Luhn check digit of a 15-digit string column, with built-in functions only."""
    F = _F()
    total = F.lit(0)
    for position in range(15):  # from the left; with the check digit appended, even offsets from the left double
        digit = F.substring(digits_column, position + 1, 1).cast("int")
        if position % 2 == 0:
            doubled = digit * 2
            digit = F.when(doubled > 9, doubled - 9).otherwise(doubled)
        total = total + digit
    return ((F.lit(10) - F.pmod(total, F.lit(10))) % 10).cast("string")


# --- sizes and writing ---------------------------------------------------------------------------


def table_specs(scale: float = 1.0) -> list[TableSpec]:
    """The tables at a scale: 1.0 is the demo's 272,000 rows; tests use a small fraction."""
    customer_rows = max(50, int(50_000 * scale))
    product_rows = max(20, int(2_000 * scale))
    order_rows = max(100, int(120_000 * scale))
    payment_rows = max(100, int(100_000 * scale))
    return [
        TableSpec("customers", customer_rows, customers),
        TableSpec("products", product_rows, products),
        TableSpec("orders", order_rows, lambda spark, rows: orders(spark, rows, customer_rows, product_rows)),
        TableSpec("payments", payment_rows, lambda spark, rows: payments(spark, rows, order_rows)),
    ]


def _marker(scale: float, catalog: str, schema: str) -> dict:
    return {"version": GENERATOR_VERSION, "scale": scale, "catalog": catalog, "schema": schema}


def is_generated(data_dir: Path, *, scale: float = 1.0, catalog: str = CATALOG, schema: str = SCHEMA) -> bool:
    marker = warehouse_root(data_dir) / catalog / schema / MARKER_FILE
    try:
        return json.loads(marker.read_text(encoding="utf-8")) == _marker(scale, catalog, schema)
    except (OSError, ValueError):
        return False


def generate_warehouse(
    data_dir: Path, *, scale: float = 1.0, catalog: str = CATALOG, schema: str = SCHEMA, spark=None, force: bool = False
) -> dict[str, int]:
    """Write the tables (skipped when the same version and scale is already there). Returns rows per table."""
    specs = table_specs(scale)
    counts = {spec.name: spec.rows for spec in specs}
    schema_dir = warehouse_root(data_dir) / catalog / schema
    if not force and is_generated(data_dir, scale=scale, catalog=catalog, schema=schema):
        return counts
    if spark is None:
        from notebooks.dq_profiler.local_spark import local_spark_session

        spark = local_spark_session("dq-demo-warehouse")
    marker = schema_dir / MARKER_FILE
    marker.unlink(missing_ok=True)  # a half-written warehouse is never taken for a finished one
    for spec in specs:
        target = schema_dir / spec.name
        shutil.rmtree(target, ignore_errors=True)
        spec.build(spark, spec.rows).coalesce(1).write.mode("overwrite").parquet(str(target))
    marker.write_text(json.dumps(_marker(scale, catalog, schema)), encoding="utf-8")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dataquality.demo.warehouse", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the stand-in's data dir")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is 272,000 rows in all")
    parser.add_argument("--force", action="store_true", help="regenerate even when the warehouse is current")
    args = parser.parse_args(argv)
    started = time.monotonic()
    fresh = args.force or not is_generated(args.data_dir, scale=args.scale)
    counts = generate_warehouse(args.data_dir, scale=args.scale, force=args.force)
    verb = "Generated" if fresh else "Kept the existing"
    total = sum(counts.values())
    print(f"{verb} warehouse {CATALOG}.{SCHEMA}: {', '.join(f'{n} ({r:,} rows)' for n, r in counts.items())}; "
          f"{total:,} rows in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
