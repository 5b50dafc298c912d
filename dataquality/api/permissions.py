"""Who may call what (contract section 3), declared in one table as Sentry's `ScopedPermission` does.

Every REST action maps to the Django permissions it needs: reads `view_*`, writes `add_`/`change_`/
`delete_*` of the view's model, the run actions their custom permissions. An action missing from the
table is refused, so a new endpoint needs a rule here; `tests/dataquality/test_permission_matrix.py`
walks the URL conf against the README's matrix.

On top of that, using a workspace needs a grant on its connection (`dataquality.services.access.grants`):
`ConnectionGrant` checks the object a view acts on, `check_grant_of` (called by the serializers) the
connection or group a write points at.
"""

from __future__ import annotations

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, DjangoModelPermissions

from dataquality.services.access.grants import ConnectionNotGranted, require_grant

# "{model}" stands for the model of the view's queryset; other names are of the `dataquality` app.
ACTION_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "list": ("view_{model}",),
    "retrieve": ("view_{model}",),
    "metadata": ("view_{model}",),  # OPTIONS
    "create": ("add_{model}",),
    "update": ("change_{model}",),
    "partial_update": ("change_{model}",),
    "destroy": ("delete_{model}",),
    "profile_runs": ("start_profilerun",),  # POST datasets/{id}/profile-runs and table-groups/{id}/profile-runs
    "cancel": ("cancel_profilerun",),
    "anomalies": ("view_profilerun", "view_profileanomaly"),
    "results": ("view_profilerun", "view_profileresult", "view_profilecolumn", "view_profilecolumnvalue"),
    # GET table-groups/{id}/history: as reading a run's results.
    "history": ("view_profilerun", "view_profileresult", "view_profilecolumn"),
    "disposition": ("view_profileanomaly", "triage_profileanomaly"),  # POST anomalies/{id}/disposition
}

# Actions that spend a workspace's credentials or change what a run on it reads: they need a grant on the
# connection of the object acted on.
WORKSPACE_ACTIONS = frozenset({"update", "partial_update", "destroy", "profile_runs", "cancel", "disposition"})


class ViewModelPermissions(DjangoModelPermissions):
    """`DjangoModelPermissions` with reads needing `view_*` (DRF lets any logged-in user read)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


def required_permissions(action: str, model) -> list[str] | None:
    """The full permission names an action needs on a view of `model`; None for an action without a rule."""
    rule = ACTION_PERMISSIONS.get(action)
    if rule is None:
        return None
    meta = model._meta
    return [f"dataquality.{name.format(model=meta.model_name)}" for name in rule]


class ActionPermissions(ViewModelPermissions):
    """The table above for viewset actions; the model permission of the HTTP method for other views."""

    def has_permission(self, request, view) -> bool:
        action = getattr(view, "action", None)
        if action is None:  # not a viewset, or a method the route does not allow (405 follows)
            return super().has_permission(request, view)
        if not (request.user and request.user.is_authenticated):
            return False
        permissions = required_permissions(action, self._queryset(view).model)
        return permissions is not None and request.user.has_perms(permissions)


class ConnectionGrant(BasePermission):
    """Object check: workspace actions need a grant on the connection of the object (of each group of a dataset)."""

    message = "You have no grant on the connection this uses."

    def has_object_permission(self, request, view, obj) -> bool:
        if getattr(view, "action", None) not in WORKSPACE_ACTIONS:
            return True
        try:
            require_grant(request.user, [obj])
        except ConnectionNotGranted as exc:
            self.message = str(exc)
            return False
        return True


def check_grant_of(request, target) -> None:
    """For serializers of writes that point at a workspace (a group's `connection`, a table's `table_group`):
    403 unless the user may use it. The default workspace (no connection) always passes."""
    try:
        require_grant(request.user, [target])
    except ConnectionNotGranted as exc:
        raise PermissionDenied(str(exc)) from None


DATA_PERMISSIONS = [ActionPermissions, ConnectionGrant]
