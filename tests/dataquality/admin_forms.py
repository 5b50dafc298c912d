"""The admin's table group change form as a browser would post it."""

from __future__ import annotations

from django.urls import reverse

from dataquality.models import Connection, TableGroup


def admin_change_form(admin_client, group: TableGroup, connection: Connection | None) -> dict:
    """The change form as the page offers it, with another connection; no inline rows."""
    page = admin_client.get(reverse("admin:dataquality_tablegroup_change", args=[group.pk]))
    form = page.context["adminform"].form
    data = {name: "" if value is None else value for name, value in form.initial.items() if name in form.fields}
    data["connection"] = connection.pk if connection else ""
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data
