"""The data model of contract section 2. Business steps live in services, not here."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from dataquality.cron import validate_cron_expression, validate_timezone_name
from dataquality.drift_catalogue import validate_drift_thresholds
from dataquality.results_schema import validate_results_schema


def results_schema_field(help_text: str) -> models.CharField:
    return models.CharField(
        max_length=511, blank=True, default="", validators=[validate_results_schema], help_text=help_text
    )


class Connection(models.Model):
    """A Databricks workspace. Holds the *name* of the env var with the secret, never the secret."""

    class AuthType(models.TextChoices):
        PAT = "pat", "Personal access token"
        OAUTH_M2M = "oauth_m2m", "OAuth machine-to-machine"

    name = models.CharField(max_length=200, unique=True)
    host = models.CharField(max_length=255)
    auth_type = models.CharField(max_length=20, choices=AuthType.choices, default=AuthType.PAT)
    client_id = models.CharField(max_length=255, blank=True, default="")
    secret_ref = models.CharField(
        max_length=200, help_text="Name of the environment variable holding the token or client secret."
    )
    profiling_notebook_path = models.CharField(max_length=500, blank=True, default="")
    cluster_id = models.CharField(max_length=100, blank=True, default="")
    policy_id = models.CharField(max_length=100, blank=True, default="")
    results_schema = results_schema_field(
        "catalog.schema where runs on this workspace write their result tables; blank for the default setting."
    )
    # The grant: who may run table groups on this workspace (besides the staff who manage connections).
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="granted_connections",
        help_text="Users who may point table groups at this workspace and run them.",
    )
    allowed_groups = models.ManyToManyField(
        "auth.Group", blank=True, related_name="granted_connections",
        help_text="Groups whose members may point table groups at this workspace and run them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "dq_connections"
        ordering = ["name"]
        # The default workspace of the settings (a table group without a connection) is granted by permission,
        # as a connection is by its allowed users and groups.
        permissions = [("use_default_workspace", "Can use the default workspace (groups without a connection)")]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """A data object (the seed's `dataObjectId`)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "dq_datasets"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BaselineSensitivity(models.TextChoices):
    """How wide a learned baseline's band is: k, in median ± k × spread, comes from the settings."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class TableGroup(models.Model):
    """Tables profiled together, by one Databricks job."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="table_groups")
    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, null=True, blank=True, related_name="table_groups"
    )
    name = models.CharField(max_length=200)
    catalog = models.CharField(max_length=255, blank=True, default="")
    schema_name = models.CharField(max_length=255)
    include_mask = models.CharField(max_length=500, blank=True, default="%")
    exclude_mask = models.CharField(max_length=500, blank=True, default="")
    sample_percent = models.FloatField(null=True, blank=True)
    sample_min_rows = models.PositiveIntegerField(null=True, blank=True)
    profiling_job_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # The workspace (`https://host`) that job id belongs to: an id means nothing in another workspace.
    profiling_job_host = models.CharField(max_length=300, blank=True, default="")
    job_settings_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Schedule (contract section 10). `next_run_at` is derived: the schedules service sets it, nothing else.
    schedule_cron = models.CharField(
        max_length=200, blank=True, default="", validators=[validate_cron_expression],
        help_text="Five cron fields (minute hour day-of-month month day-of-week), e.g. '0 6 * * 1-5'; blank for none.",
    )
    schedule_timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone_name],
        help_text="IANA time zone the cron expression is read in, e.g. Europe/Berlin.",
    )
    schedule_enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    schedule_last_skipped_at = models.DateTimeField(null=True, blank=True, editable=False)
    schedule_last_skip_reason = models.TextField(blank=True, default="", editable=False)
    sensitivity = models.CharField(
        max_length=10, choices=BaselineSensitivity.choices, default=BaselineSensitivity.MEDIUM,
        help_text="How far from its learned baseline a metric may move before it is an anomaly (contract 11.2).",
    )
    results_schema = results_schema_field(
        "catalog.schema where this group's runs write their result tables; blank for the connection's."
    )
    drift_thresholds = models.JSONField(
        null=True, blank=True, default=dict, validators=[validate_drift_thresholds],
        help_text='Overrides of the drift thresholds for this group, e.g. {"row_count_drop": 0.3}.',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "dq_table_groups"
        ordering = ["dataset_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="dq_table_group_unique_name"),
            models.CheckConstraint(
                condition=Q(sample_percent__isnull=True) | Q(sample_percent__gt=0, sample_percent__lte=100),
                name="dq_table_group_sample_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PooledJob(models.Model):
    """The one Databricks job a workspace's groups share in pooled job mode (docs/job-modes.md)."""

    workspace_host = models.CharField(max_length=255)
    job_prefix = models.CharField(max_length=255)
    job_id = models.CharField(max_length=64, blank=True, default="")
    settings_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        db_table = "dq_pooled_jobs"
        constraints = [
            models.UniqueConstraint(fields=["workspace_host", "job_prefix"], name="dq_pooled_job_unique_per_workspace"),
        ]

    def __str__(self) -> str:
        return f"{self.job_prefix}-pooled on {self.workspace_host}"


class WorkspaceLaunchGate(models.Model):
    """Launch control's shared state for one workspace (docs/launch-control.md): its row is the lock that admits
    runs under `DATABRICKS_MAX_ACTIVE_RUNS`, and it holds the next free slot of `DATABRICKS_MAX_CALLS_PER_SECOND`,
    so that every web and worker process keeps to the same limits."""

    workspace_host = models.CharField(max_length=255, unique=True)
    # When (microseconds since the epoch) the next Databricks call may go: each caller takes a slot and moves it on.
    next_call_us = models.BigIntegerField(default=0)
    admissions = models.BigIntegerField(default=0)  # written by every admission, which takes the row's lock

    class Meta:
        db_table = "dq_workspace_launch_gates"

    def __str__(self) -> str:
        return self.workspace_host


class Table(models.Model):
    """A table named explicitly in a group (besides those its masks select)."""

    table_group = models.ForeignKey(TableGroup, on_delete=models.CASCADE, related_name="tables")
    schema_name = models.CharField(max_length=255)
    table_name = models.CharField(max_length=255)

    class Meta:
        db_table = "dq_tables"
        ordering = ["table_group_id", "schema_name", "table_name"]
        constraints = [
            models.UniqueConstraint(fields=["table_group", "table_name"], name="dq_table_unique_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


class ProfileRunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"


ACTIVE_STATUSES = (ProfileRunStatus.QUEUED, ProfileRunStatus.RUNNING)
FINAL_STATUSES = (ProfileRunStatus.COMPLETED, ProfileRunStatus.FAILED, ProfileRunStatus.CANCELED)


class ProfileRun(models.Model):
    """One profile run of a table group."""

    profile_run_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    table_group = models.ForeignKey(TableGroup, on_delete=models.CASCADE, related_name="profile_runs")
    status = models.CharField(max_length=16, choices=ProfileRunStatus.choices, default=ProfileRunStatus.QUEUED)
    requested_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    table_count = models.IntegerField(null=True, blank=True)
    column_count = models.IntegerField(null=True, blank=True)
    anomaly_count = models.IntegerField(null=True, blank=True)
    payload_path = models.CharField(max_length=1000, blank=True, default="")
    databricks_run_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    databricks_job_id = models.CharField(max_length=64, null=True, blank=True)
    run_page_url = models.URLField(max_length=1000, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    sampled = models.BooleanField(default=False)
    profile_version = models.CharField(max_length=50, blank=True, default="")
    # The notebook's own clock, kept as data: started_at and completed_at are always ours.
    reported_started_at = models.DateTimeField(null=True, blank=True)
    reported_completed_at = models.DateTimeField(null=True, blank=True)
    # Started with `force_full`: every table is scanned, even one unchanged since the last completed run.
    force_full = models.BooleanField(default=False)
    # What the notebook reported besides its results, e.g. result tables that could not be written.
    warnings = models.JSONField(default=list, blank=True)
    # Set on the first run of a failure streak once that streak has been alerted, so it is alerted once.
    failure_alert_sent_at = models.DateTimeField(null=True, blank=True)
    # Triage (contract 11.3): open or confirmed and not folded; of those, the ones new in this run.
    open_anomaly_count = models.IntegerField(null=True, blank=True)
    new_anomaly_count = models.IntegerField(null=True, blank=True)
    # Set once the run's new high-severity anomalies have been alerted, so a run is alerted at most once.
    anomaly_alert_sent_at = models.DateTimeField(null=True, blank=True)
    # A launch that met a transient Databricks error waits in `queued` until then for its next attempt.
    next_launch_at = models.DateTimeField(null=True, blank=True)
    launch_attempts = models.PositiveIntegerField(default=0)
    # A sweep's claim: no other sweep takes the run before this time (or before the claim is released).
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Retention (docs/retention.md): when this run's top values and patterns, and its column metrics, were pruned.
    values_pruned_at = models.DateTimeField(null=True, blank=True, editable=False)
    metrics_pruned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Launch control (docs/launch-control.md): the workspace the run goes to, and when it got one of that
    # workspace's `DATABRICKS_MAX_ACTIVE_RUNS` slots; a queued run without it waits for a slot.
    workspace_host = models.CharField(max_length=255, blank=True, default="", editable=False)
    admitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "dq_profiles"
        ordering = ["-created_at"]
        permissions = [
            ("start_profilerun", "Can start profile runs"),
            ("cancel_profilerun", "Can cancel profile runs"),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"], name="dq_profiles_status_started"),
            # A group's completed runs in order: history, baselines and the group page read them this way.
            models.Index(fields=["table_group", "status", "completed_at"], name="dq_profiles_group_history"),
            # The baseline window (a group's newest completed runs by creation), which retention must keep.
            models.Index(fields=["table_group", "status", "created_at"], name="dq_profiles_group_created"),
            # Retention finds the runs it has not pruned yet without reading the ones it has.
            models.Index(
                fields=["created_at"], condition=Q(values_pruned_at__isnull=True), name="dq_profiles_values_unpruned"
            ),
            models.Index(
                fields=["created_at"], condition=Q(metrics_pruned_at__isnull=True), name="dq_profiles_metrics_unpruned"
            ),
            # Launch control counts a workspace's admitted active runs and takes its waiting runs oldest first.
            models.Index(
                fields=["workspace_host", "created_at"],
                condition=Q(status__in=["queued", "running"]),
                name="dq_profiles_active_by_host",
            ),
        ]
        constraints = [
            # At most one active run per group, enforced by the database so it holds under
            # concurrent requests.
            models.UniqueConstraint(
                fields=["table_group"],
                condition=Q(status__in=["queued", "running"]),
                name="dq_profiles_one_active_run_per_group",
            ),
        ]

    def __str__(self) -> str:
        return str(self.profile_run_id)

    @property
    def launch_clock_started_at(self):
        """Where the launch deadline and a queued run's timeout count from: admission (time spent waiting for a
        slot is not the launch's), or creation for a run admitted before launch control existed."""
        return self.admitted_at or self.created_at

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def duration_ms(self) -> int | None:
        if not (self.started_at and self.completed_at):
            return None
        return int((self.completed_at - self.started_at).total_seconds() * 1000)


class Disposition(models.TextChoices):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    MUTED = "muted"


class ProfileAnomaly(models.Model):
    profile_run = models.ForeignKey(ProfileRun, on_delete=models.CASCADE, related_name="anomalies")
    table_name = models.CharField(max_length=500)
    column_name = models.CharField(max_length=500, null=True, blank=True)
    anomaly_type = models.CharField(max_length=100)
    severity = models.CharField(max_length=50)
    description = models.TextField()
    detected_at = models.DateTimeField()
    # Baselines (contract 11.2): the value seen and the band it was judged against.
    observed = models.FloatField(null=True, blank=True)
    expected_low = models.FloatField(null=True, blank=True)
    expected_high = models.FloatField(null=True, blank=True)
    baseline_runs = models.IntegerField(null=True, blank=True)
    # Triage (contract 11.3): the same problem across runs, and what people decided about it.
    fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)
    occurrences = models.PositiveIntegerField(default=1)
    first_seen_run = models.ForeignKey(
        ProfileRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    disposition = models.CharField(max_length=10, choices=Disposition.choices, default=Disposition.OPEN)
    disposition_note = models.TextField(blank=True, default="")
    disposition_by = models.CharField(max_length=150, blank=True, default="")
    disposition_at = models.DateTimeField(null=True, blank=True)
    muted_until = models.DateTimeField(null=True, blank=True)
    # One cause, one anomaly (contract 11.4): the table's row-count anomaly this one only restates.
    caused_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="consequences",
    )

    class Meta:
        db_table = "dq_profile_anomalies"
        ordering = ["id"]
        verbose_name = "profile anomaly"
        verbose_name_plural = "profile anomalies"
        permissions = [("triage_profileanomaly", "Can triage profile anomalies")]

    @property
    def is_new(self) -> bool:
        return self.occurrences == 1

    def __str__(self) -> str:
        return f"{self.anomaly_type} on {self.table_name}.{self.column_name or ''}"


class ProfileResult(models.Model):
    """One table of a run."""

    profile_run = models.ForeignKey(ProfileRun, on_delete=models.CASCADE, related_name="results")
    schema_name = models.CharField(max_length=255, blank=True, default="")
    table_name = models.CharField(max_length=255)
    row_count = models.BigIntegerField(null=True, blank=True)
    column_count = models.IntegerField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    # The table's version the notebook read (Delta version; a file fingerprint on the local stand-in).
    delta_version = models.BigIntegerField(null=True, blank=True)
    # The run whose results this table reuses, unchanged since (contract section 12.2); null when scanned.
    reused_from = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "dq_profile_results"
        ordering = ["schema_name", "table_name"]
        indexes = [models.Index(fields=["schema_name", "table_name"], name="dq_results_table")]

    def __str__(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


class ProfileColumn(models.Model):
    """One column of a run: the metrics of contract section 6, the rest in `extra`."""

    profile_run = models.ForeignKey(ProfileRun, on_delete=models.CASCADE, related_name="columns")
    schema_name = models.CharField(max_length=255, blank=True, default="")
    table_name = models.CharField(max_length=255)
    column_name = models.CharField(max_length=500)
    data_type = models.CharField(max_length=200, blank=True, default="")
    general_type = models.CharField(max_length=20, blank=True, default="")
    # What the column holds (id, id_foreign, email, city, amount, ...): docs/functional-types.md.
    functional_type = models.CharField(max_length=30, blank=True, default="")
    ordinal_position = models.IntegerField(null=True, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    null_count = models.BigIntegerField(null=True, blank=True)
    distinct_count = models.BigIntegerField(null=True, blank=True)
    distinct_count_approximate = models.BooleanField(default=True)
    min_value = models.TextField(null=True, blank=True)
    max_value = models.TextField(null=True, blank=True)
    mean = models.FloatField(null=True, blank=True)
    stddev = models.FloatField(null=True, blank=True)
    p25 = models.FloatField(null=True, blank=True)
    p50 = models.FloatField(null=True, blank=True)
    p75 = models.FloatField(null=True, blank=True)
    zero_count = models.BigIntegerField(null=True, blank=True)
    negative_count = models.BigIntegerField(null=True, blank=True)
    min_length = models.IntegerField(null=True, blank=True)
    max_length = models.IntegerField(null=True, blank=True)
    avg_length = models.FloatField(null=True, blank=True)
    blank_count = models.BigIntegerField(null=True, blank=True)
    leading_space_count = models.BigIntegerField(null=True, blank=True)
    numeric_like_count = models.BigIntegerField(null=True, blank=True)
    date_like_count = models.BigIntegerField(null=True, blank=True)
    future_count = models.BigIntegerField(null=True, blank=True)
    before_1900_count = models.BigIntegerField(null=True, blank=True)
    true_count = models.BigIntegerField(null=True, blank=True)
    false_count = models.BigIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "dq_profile_columns"
        ordering = ["schema_name", "table_name", "ordinal_position"]
        indexes = [
            models.Index(fields=["table_name", "column_name", "schema_name"], name="dq_columns_column"),
            # History reads one column across a group's runs: one probe per run (bench/README.md, issue 20).
            models.Index(fields=["profile_run", "table_name", "column_name", "schema_name"],
                         name="dq_columns_run_column"),
        ]

    def __str__(self) -> str:
        return f"{self.table_name}.{self.column_name}"


class ProfileColumnValue(models.Model):
    """A top value or top pattern of a column in a run, ranked by frequency (rank 1 = most frequent)."""

    class Kind(models.TextChoices):
        VALUE = "value"
        PATTERN = "pattern"

    profile_run = models.ForeignKey(ProfileRun, on_delete=models.CASCADE, related_name="column_values")
    schema_name = models.CharField(max_length=255, blank=True, default="")
    table_name = models.CharField(max_length=255)
    column_name = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.TextField(null=True, blank=True)
    frequency = models.BigIntegerField()
    rank = models.PositiveIntegerField()

    class Meta:
        db_table = "dq_profile_column_values"
        ordering = ["schema_name", "table_name", "column_name", "kind", "rank"]

    def __str__(self) -> str:
        return f"{self.table_name}.{self.column_name} {self.kind} #{self.rank}"


class AnomalyMute(models.Model):
    """A fingerprint muted in a group: its anomalies are stored muted, across runs and gaps, until `muted_until`
    (null: until someone sets one of them back to open)."""

    table_group = models.ForeignKey(TableGroup, on_delete=models.CASCADE, related_name="anomaly_mutes")
    fingerprint = models.CharField(max_length=64)
    muted_until = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    muted_by = models.CharField(max_length=150, blank=True, default="")
    muted_at = models.DateTimeField()

    class Meta:
        db_table = "dq_anomaly_mutes"
        constraints = [
            models.UniqueConstraint(fields=["table_group", "fingerprint"], name="dq_anomaly_mute_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint} muted in group {self.table_group_id}"
