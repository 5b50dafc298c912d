"""Query filters of the list endpoints. Every id filter is range-checked before it reaches the database,
so `?dataset=-20233828619361746204242962236309504` answers 400 with a reason instead of a driver's
OverflowError (a 500)."""

from __future__ import annotations

from django import forms
from django.db import models
from django_filters import fields, rest_framework as filters
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field

from dataquality.models import Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup
from dataquality.services.grants import readable_table_groups

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


class AnomalyFilter(filters.FilterSet):
    class Meta:
        model = ProfileAnomaly
        fields = ["severity", "anomaly_type", "table_name", "column_name"]
