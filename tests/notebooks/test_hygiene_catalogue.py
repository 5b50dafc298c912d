"""The types of contract section 13, profiled on local Spark as one run of a small shop: each raised by a planted
column and not by a clean look-alike, the table types by a stale table, and the cross-table types by the same column
name held differently in two tables. Key candidates: a reference to another table's key repeats by design."""

import pytest

from notebooks.dq_profiler import ProfileOptions, TableSource, profile_tables

ROWS = 200
# Rows are chosen by id (0 .. 199); `pick(...)` spreads values evenly.
CUSTOMERS_SQL = f"""
SELECT CAST(CASE WHEN id = 199 THEN 0 ELSE id END AS INT) AS customer_id,
       CASE WHEN id % 10 = 0 THEN 'BEN' ELSE 'Ada' END AS first_name,
       CASE WHEN id < 3 THEN '_Smith' ELSE 'Smith' END AS last_name,
       CASE WHEN id < 2 THEN '12345' ELSE 'Lyon' END AS city,
       CASE WHEN id < 3 THEN '1234' ELSE LPAD(CAST(id * 37 AS STRING), 5, '0') END AS zip,
       CONCAT(LPAD(CAST(id * 37 AS STRING), 5, '0'), '-', LPAD(CAST(id AS STRING), 4, '0')) AS postal_zip,
       CASE WHEN id < 2 THEN '12' ELSE LPAD(CAST(id % 900 + 100 AS STRING), 3, '0') END AS zip3,
       ELEMENT_AT(ARRAY('CA', 'NY', 'TX', 'WA', 'OR'), CAST(id % 5 + 1 AS INT)) AS origin,
       ELEMENT_AT(ARRAY('CA', 'NY', 'TX', 'WA', 'OR'), CAST(id % 5 + 1 AS INT)) AS state,
       CONCAT('user', id, '@example.com') AS login,
       CONCAT('user', id, '@example.com') AS email,
       CASE WHEN id < 2 THEN NULL ELSE CONCAT('nick', id % 7) END AS nickname,
       CASE WHEN id % 10 = 0 THEN NULL ELSE 'Q' END AS middle_initial,
       CONCAT('AB-', LPAD(CAST(id % 97 AS STRING), 2, '0')) AS ref,
       LPAD(CAST(id % 13 AS STRING), 4, '0') AS batch_code,
       DATE_FORMAT(DATE_SUB(CURRENT_DATE(), CAST(id AS INT)), 'yyyy-MM-dd') AS created,
       DATE_SUB(CURRENT_DATE(), CAST(id AS INT)) AS signed_up
FROM range({ROWS})
"""
ORDERS_SQL = f"""
SELECT id AS order_id,
       id % 37 + 1 AS customer_id,
       CAST(CASE WHEN id < 6 THEN 10 ELSE id END AS INT) AS quantity,
       CASE WHEN id < 20 THEN 'red' ELSE CONCAT_WS('|', 'red', 'sale', CONCAT('w', id % 9)) END AS tags,
       CONCAT_WS(', ', CONCAT(id, ' Main St'), 'Springfield', 'IL') AS address,
       CASE WHEN id % 4 = 0 THEN CONCAT(id % 50 / 10, ' kg') ELSE CONCAT(id % 900, ' g') END AS weight,
       ELEMENT_AT(ARRAY('S', 'M', 'L', 'XL'), CAST(id % 4 + 1 AS INT)) AS size_label,
       CASE WHEN id < 4 THEN CONCAT('AB', 1000 + id) ELSE CONCAT('AB-', 1000 + id) END AS part_ref,
       CASE WHEN id < 60 THEN CONCAT('ABC-', 100 + id) ELSE CONCAT('AB-', 1000 + id) END AS part_alt,
       ELEMENT_AT(ARRAY('M', 'Male', 'F'), CAST(id % 3 + 1 AS INT)) AS gender,
       ELEMENT_AT(ARRAY('M', 'F', 'U'), CAST(id % 3 + 1 AS INT)) AS gender_code,
       ELEMENT_AT(ARRAY('New York', 'NEW-YORK', 'Boston'), CAST(id % 3 + 1 AS INT)) AS ship_city,
       ELEMENT_AT(ARRAY('Acme', 'Globex', 'Initech'), CAST(id % 3 + 1 AS INT)) AS brand,
       CASE WHEN id < 3 THEN CONCAT('Lamp', CHAR(160), 'Pro') ELSE 'Lamp Pro' END AS product_title,
       CASE WHEN id < 3 THEN 'Crème brûlée' ELSE 'Lamp Pro' END AS product_label,
       CASE WHEN id < 2 THEN '42' ELSE ELEMENT_AT(ARRAY('red', 'blue'), CAST(id % 2 + 1 AS INT)) END AS color,
       CASE WHEN id < 3 THEN 'C0' ELSE CONCAT('C', id) END AS coupon_text,
       CONCAT('V', id) AS voucher_text,
       CAST(id * 7 AS STRING) AS amount_text,
       CONCAT('AB', LPAD(CAST(id % 97 AS STRING), 2, '0')) AS ref,
       LPAD(CAST(id % 11 AS STRING), 4, '0') AS batch_code,
       DATE_SUB(CURRENT_DATE(), CAST(id AS INT)) AS created
FROM range({ROWS})
"""
# An id repeated by design (a long-format panel): not a key with duplicates.
PANEL_SQL = (
    "SELECT id % 50 AS id, id % 4 AS wave, DATE_SUB(CURRENT_DATE(), 400 + CAST(id AS INT)) AS observed "
    f"FROM range({ROWS})"
)
# Updated 200 to 299 days ago: no date within six months.
STALE_SQL = (
    f"SELECT id AS stale_id, DATE_SUB(CURRENT_DATE(), 200 + CAST(id % 100 AS INT)) AS updated FROM range({ROWS})"
)

PLANTED = {
    "suggested_type": ("orders", "amount_text"),
    "small_missing_value_count": ("customers", "nickname"),
    "non_printing_characters": ("orders", "product_title"),
    "inconsistent_casing": ("customers", "first_name"),
    "char_column_number_units": ("orders", "weight"),
    "small_numeric_value_count": ("orders", "color"),
    "delimited_data_embedded": ("orders", "tags"),
    "column_pattern_mismatch": ("orders", "part_ref"),
    "variant_coded_values": ("orders", "gender"),
    "standardized_value_matches": ("orders", "ship_city"),
    "potential_duplicates": ("orders", "coupon_text"),
    "unexpected_emails": ("customers", "login"),
    "unexpected_us_states": ("customers", "origin"),
    "invalid_zip_usa": ("customers", "zip"),
    "invalid_zip3_usa": ("customers", "zip3"),
    "non_alpha_name_address": ("customers", "city"),
    "non_alpha_prefixed_name": ("customers", "last_name"),
    "recency_one_year": ("panel", None),
    "recency_six_months": ("stale", None),
    "multiple_types_major": ("customers", "created"),
    "multiple_types_minor": ("customers", "customer_id"),
    "table_pattern_mismatch": ("customers", "ref"),
}
CLEAN_LOOK_ALIKES = {
    "suggested_type": [("customers", "batch_code"), ("customers", "zip")],
    "small_missing_value_count": [("customers", "middle_initial"), ("customers", "email")],
    "non_printing_characters": [("orders", "product_label")],
    "inconsistent_casing": [("orders", "size_label"), ("customers", "last_name")],
    "char_column_number_units": [("orders", "size_label"), ("orders", "address")],
    "small_numeric_value_count": [("customers", "zip"), ("orders", "brand")],
    "delimited_data_embedded": [("orders", "address"), ("orders", "brand")],
    "column_pattern_mismatch": [("orders", "part_alt")],
    "variant_coded_values": [("orders", "gender_code")],
    "standardized_value_matches": [("orders", "brand")],
    "potential_duplicates": [("orders", "voucher_text")],
    "unexpected_emails": [("customers", "email")],
    "unexpected_us_states": [("customers", "state")],
    "invalid_zip_usa": [("customers", "postal_zip")],
    "invalid_zip3_usa": [("customers", "zip")],
    "non_alpha_name_address": [("customers", "last_name"), ("customers", "first_name")],
    "non_alpha_prefixed_name": [("customers", "first_name"), ("customers", "city")],
    "recency_one_year": [("orders", None), ("stale", None)],
    "recency_six_months": [("orders", None), ("panel", None)],
    "multiple_types_major": [("customers", "batch_code"), ("customers", "customer_id")],
    "multiple_types_minor": [("customers", "batch_code"), ("customers", "created")],
    "table_pattern_mismatch": [("customers", "batch_code")],
}
TABLES = {"customers": CUSTOMERS_SQL, "orders": ORDERS_SQL, "panel": PANEL_SQL, "stale": STALE_SQL}


@pytest.fixture(scope="module")
def payload(spark):
    sources = [TableSource("shop", name, lambda session, sql=sql: session.sql(sql)) for name, sql in TABLES.items()]
    # A lower bar than 1000 distinct values, so that a 200-row table can be largely unique.
    options = ProfileOptions(thresholds={"potential_duplicates_min_distinct": 100}, max_workers=2)
    return profile_tables(spark, sources, options)


def _raised(payload, type_id):
    return {
        (anomaly["table_name"].split(".")[1], anomaly["column_name"])
        for anomaly in payload["anomalies"]
        if anomaly["anomaly_type"] == type_id
    }


def _columns(payload):
    return {
        (table["table_name"], column["column_name"]): column
        for table in payload["tables"]
        for column in table["columns"]
    }


def test_every_new_type_has_a_planted_column_and_a_clean_look_alike():
    assert set(PLANTED) == set(CLEAN_LOOK_ALIKES)
    assert len(PLANTED) == 22


@pytest.mark.parametrize("type_id", sorted(PLANTED))
def test_raised_by_the_planted_column(payload, type_id):
    assert PLANTED[type_id] in _raised(payload, type_id)


@pytest.mark.parametrize("type_id", sorted(CLEAN_LOOK_ALIKES))
def test_quiet_on_the_clean_look_alikes(payload, type_id):
    assert not set(CLEAN_LOOK_ALIKES[type_id]) & _raised(payload, type_id)


def test_a_reference_to_another_tables_key_is_id_foreign_and_never_a_duplicate_key(payload):
    columns = _columns(payload)
    assert columns[("orders", "customer_id")]["functional_type"] == "id_foreign"
    assert columns[("orders", "customer_id")]["duplicated_value_count"] is None
    assert columns[("customers", "customer_id")]["functional_type"] == "id"
    assert _raised(payload, "duplicate_key_values") == {("customers", "customer_id")}  # the real key's duplicate


def test_a_unique_measure_and_an_id_repeated_by_design_are_not_keys(payload):
    columns = _columns(payload)
    assert columns[("orders", "quantity")]["functional_type"] == "quantity"
    assert columns[("panel", "id")]["functional_type"] == "id"
    assert columns[("panel", "id")]["duplicated_value_count"] is None  # 25% distinct: not near one


def test_cross_table_types_name_what_the_other_table_holds(payload):
    minor = next(
        anomaly for anomaly in payload["anomalies"]
        if anomaly["anomaly_type"] == "multiple_types_minor" and anomaly["table_name"] == "shop.customers"
    )
    assert minor["description"] == "The data type is int here, but orders: bigint"
    assert ("orders", "customer_id") in _raised(payload, "multiple_types_minor")
    assert payload["anomaly_count"] == len(payload["anomalies"])


@pytest.mark.parametrize(
    ("table", "column", "functional_type"),
    [("orders", "order_id", "id"), ("customers", "first_name", "person_given_name"),
     ("customers", "last_name", "person_family_name"), ("customers", "email", "email"),
     ("customers", "login", "email"), ("customers", "city", "city"), ("customers", "state", "us_state"),
     ("customers", "origin", "us_state"), ("customers", "zip", "zip_code"), ("orders", "address", "address"),
     ("orders", "weight", "measurement"), ("orders", "brand", "category"), ("orders", "created", "date"),
     ("customers", "batch_code", "code"), ("stale", "updated", "date")],
)
def test_functional_types_inferred_from_the_data(payload, table, column, functional_type):
    assert _columns(payload)[(table, column)]["functional_type"] == functional_type
