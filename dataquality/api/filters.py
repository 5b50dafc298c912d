"""Query filters of the list endpoints. Every id filter is range-checked before it reaches the database,
so `?dataset=-20233828619361746204242962236309504` answers 400 with a reason instead of a driver's
OverflowError (a 500)."""

from __future__ import annotations

from django import forms
from django.db import models
from django_filters import fields, rest_framework as filters
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field

from django.db.models import Q
from rest_framework.exceptions import ValidationError

from dataquality.anomaly_types import KNOWN_ANOMALY_TYPES, SEVERITIES
from dataquality.models import Dataset, Disposition, ProfileAnomaly, ProfileRun, Table, TableGroup
from dataquality.services.access.grants import readable_table_groups

MAX_ID = 2**63 - 1  # the largest BigAutoField on PostgreSQL and SQLite


class IdChoiceField(fields.ModelChoiceField):
    default_error_messages = {"out_of_range": f"Not a valid id: ids are whole numbers from 1 to {MAX_ID}."}

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return super().to_python(value)


# Declared in the OpenAPI schema too, so clients (and a schema-driven fuzzer) know the bounds.
@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.ModelChoiceFilter):
    field_class = IdChoiceField


class IdFilterSet(filters.FilterSet):
    """Foreign keys declared in `Meta.fields` filter through `IdFilter`."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {**FILTER_FOR_DBFIELD_DEFAULTS[models.ForeignKey], "filter_class": IdFilter},
    }


class TableGroupFilter(IdFilterSet):
    class Meta:
        model = TableGroup
        fields = ["dataset", "connection"]


def _readable_groups(request):
    # A group of another workspace is no valid choice, as an unknown id is not: its existence does not leak.
    return readable_table_groups(request.user if request else None)


class TableFilter(IdFilterSet):
    table_group = IdFilter(queryset=_readable_groups)

    class Meta:
        model = Table
        fields = ["table_group"]


class ProfileRunFilter(IdFilterSet):
    table_group = IdFilter(queryset=_readable_groups)
    dataset = IdFilter(field_name="table_group__dataset", queryset=Dataset.objects.all())

    class Meta:
        model = ProfileRun
        fields = ["table_group", "dataset", "status"]


def _known_values(name: str, valid) -> forms.Field:
    """A text field that takes only `valid` (compared without case) and names them all when it refuses one."""

    def check(value: str) -> None:
        if value and value.lower() not in {entry.lower() for entry in valid}:
            raise forms.ValidationError(f"Unknown {name} {value!r}; valid: {', '.join(sorted(valid))}.")

    return check


class AnomalyFilter(filters.FilterSet):
    """A run's anomalies (contract 11.3): an unknown severity, type or disposition is a 400 naming the valid ones;
    `table_name` takes `schema.table` or the bare table name."""

    severity = filters.CharFilter(lookup_expr="iexact", validators=[_known_values("severity", SEVERITIES)])
    anomaly_type = filters.CharFilter(validators=[_known_values("anomaly type", KNOWN_ANOMALY_TYPES)])
    disposition = filters.CharFilter(validators=[_known_values("disposition", Disposition.values)])
    is_new = filters.BooleanFilter(method="filter_is_new")
    table_name = filters.CharFilter(method="filter_table_name")

    class Meta:
        model = ProfileAnomaly
        fields = ["severity", "anomaly_type", "table_name", "column_name", "disposition", "is_new"]

    def filter_is_new(self, queryset, name, value):
        return queryset.filter(occurrences=1) if value else queryset.exclude(occurrences=1)

    def filter_table_name(self, queryset, name, value):
        """`schema.table` exactly, or a bare name that matches `*.name` (every match when it is ambiguous)."""
        if "." in value:
            return queryset.filter(table_name=value)
        matching = queryset.filter(Q(table_name=value) | Q(table_name__endswith=f".{value}"))
        names = list(matching.order_by().values_list("table_name", flat=True).distinct()[:2])
        if len(names) > 1:
            raise ValidationError({"table_name": [f"{value!r} names more than one table; use schema.table."]})
        return matching
