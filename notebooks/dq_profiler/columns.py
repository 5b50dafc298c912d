"""What the engine knows about a column before profiling it: name, position, Spark type and general type."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

NUMERIC, TEXT, DATE, BOOLEAN, BINARY, NESTED, OTHER = "numeric", "text", "date", "boolean", "binary", "nested", "other"

_GENERAL_TYPES: tuple[tuple[tuple[type, ...], str], ...] = (
    ((T.NumericType,), NUMERIC),
    ((T.StringType, T.CharType, T.VarcharType), TEXT),
    ((T.DateType, T.TimestampType, T.TimestampNTZType), DATE),
    ((T.BooleanType,), BOOLEAN),
    ((T.BinaryType,), BINARY),
    ((T.StructType, T.ArrayType, T.MapType), NESTED),
)


@dataclass(frozen=True)
class ColumnSpec:
    index: int  # 0-based position in the DataFrame, used for aliases that never clash with real names
    name: str
    spark_type: T.DataType
    general_type: str

    @property
    def ordinal_position(self) -> int:
        return self.index + 1

    @property
    def data_type(self) -> str:
        return self.spark_type.simpleString()

    @property
    def is_floating(self) -> bool:
        return isinstance(self.spark_type, T.FloatType | T.DoubleType)

    @property
    def ref(self) -> Column:
        """The column by exact name: backticks stop Spark reading dots as struct access."""
        return F.col("`" + self.name.replace("`", "``") + "`")


def general_type(spark_type: T.DataType) -> str:
    for classes, name in _GENERAL_TYPES:
        if isinstance(spark_type, classes):
            return name
    return OTHER


def column_specs(df: DataFrame) -> list[ColumnSpec]:
    return [
        ColumnSpec(index, field.name, field.dataType, general_type(field.dataType))
        for index, field in enumerate(df.schema.fields)
    ]
