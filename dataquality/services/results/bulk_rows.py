"""Writing a completion's many rows: `COPY` on PostgreSQL, `bulk_create` elsewhere.

A run of 20 tables x 30 columns writes about 5,400 column and top-value rows. Through `bulk_create`, Django
prepares every value of every row (about 120,000 calls a completion), which took half of a completion's time;
`COPY ... FROM STDIN` sends the rows as they are. Only plain scalar fields are sent unprepared: a JSON field still
goes through its own preparation. The rows' primary keys are not read back, so this is for rows nothing refers to.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

BATCH_SIZE = 500


def insert_rows(model: type[models.Model], rows: Sequence) -> None:
    """Insert `rows` in the current transaction: unsaved instances of `model`, or any objects with its fields'
    attributes (`profile_run_id` for the run)."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]
    if connection.vendor != "postgresql":
        instances = [
            row if isinstance(row, model) else model(**{field.attname: getattr(row, field.attname) for field in fields})
            for row in rows
        ]
        model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
        return
    prepared = [(position, field) for position, field in enumerate(fields) if isinstance(field, models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            values = [getattr(row, field.attname) for field in fields]
            for position, field in prepared:
                values[position] = field.get_db_prep_save(values[position], connection)
            copy.write_row(values)
