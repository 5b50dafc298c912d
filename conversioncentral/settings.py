"""Settings, read from the environment (django-environ). See README.md for the table."""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured, ValidationError

from dataquality.baseline_catalogue import BASELINE_SETTINGS
from dataquality.drift_catalogue import DRIFT_THRESHOLDS, validate_drift_thresholds
from dataquality.results_schema import RESULTS_SCHEMA_PATTERN
from dataquality.retention_policy import (
    DEFAULT_METRICS_DAYS,
    DEFAULT_PRUNE_BATCH_SIZE,
    DEFAULT_VALUES_DAYS,
    retention_days,
    validate_retention,
)

BASE_DIR = Path(__file__).resolve().parent.parent


class _RecordingEnv(environ.Env):
    """Records the name of every variable these settings read: a connection's `secret_ref` may never name one
    (dataquality/services/access/workspaces.py), so no connection can send the app's own secrets anywhere."""

    def __init__(self, **scheme):
        super().__init__(**scheme)
        self.names_read: set[str] = set()

    def get_value(self, var, *args, **kwargs):
        self.names_read.add(var)
        return super().get_value(var, *args, **kwargs)


env = _RecordingEnv()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Local state of the embedded defaults: the SQLite file and the filesystem broker.
VAR_DIR = Path(env.str("CONVERSIONCENTRAL_VAR_DIR", default=str(BASE_DIR / "var")))
# Created here so that the first `migrate` of a fresh clone finds the folder of its SQLite file.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-change-me"  # DEBUG only; `check --deploy` refuses it
SECRET_KEY_MIN_LENGTH = 50  # as Django's own deploy check asks
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A public development key would let anyone forge sessions and password-reset links.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set SECRET_KEY in the environment (or DEBUG=True, on a laptop only)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    # A short or public key can be guessed, and with it sessions and password-reset links forged.
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters and not the development key "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "dataquality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their own caching; everything else is data.
    "dataquality.middleware.cache_control.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dataquality.middleware.body_limit.BodySizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused login of a locked-out user or address into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conversioncentral.urls"
WSGI_APPLICATION = "conversioncentral.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing with "database is locked" under concurrent requests; and take the
    # write lock when a transaction begins, since a read lock upgraded later deadlocks against another writer.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # A file, not memory, so that a Celery worker started by a test sees the test database;
    # one per process, so that test runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# Times on the pages and in the admin: one format (conversioncentral/formats/en/formats.py).
FORMAT_MODULE_PATH = ["conversioncentral.formats"]
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# The report pages send anonymous users to a login of their own: the admin's accepts staff only, and viewers
# need not be staff. After logging in, users return to the page they asked for (or the landing page).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
# WhiteNoise serves static files whatever DEBUG says. Straight from the apps by default, so a fresh clone needs
# no `collectstatic`; images that ran `collectstatic` (the Dockerfile does) may turn this off.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# --- Content-Security-Policy (django-csp): every asset is the app's own, and no page runs inline script. ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Swagger UI draws its icons as data: URLs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Security: TLS ends at the proxy, so HTTPS redirects and HSTS are opt-in. ---
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes (compose, load balancers) call the container over plain HTTP, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
# Nothing is silenced by default: `check --deploy` must pass with the README's production settings.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# --- Login throttling (django-axes), on the pages' login and the admin's ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user or address before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# A user name and an address are each locked after the failures: guessing one user's password from many
# addresses, or many users' from one, is stopped alike. Expiry lifts both; a success resets the count.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dataquality/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "dataquality.login_lockout.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (0: the peer address is the client's).
LOGIN_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=0)
if AXES_FAILURE_LIMIT < 1 or LOGIN_PROXY_COUNT < 0:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1 and LOGIN_PROXY_COUNT at least 0.")

# --- REST framework ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Views declare their own; this default refuses any action without a rule (dataquality/api/permissions.py).
    "DEFAULT_PERMISSION_CLASSES": ["dataquality.api.permissions.ActionPermissions"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dataquality.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Generous for scripts and dashboards; the notebook's endpoints are exempt (dataquality/api/callback.py).
    # Counted in the default cache: per process unless CACHES names a shared one.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="2000/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ConversionCentral Data Quality API",
    "DESCRIPTION": "Profile runs of table groups on Databricks, their anomalies and column profiles.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package, served as static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["dataquality.api.docs.without_trailing_slash"],
    # The schema maps the whole API: logged-in users only, unless the operator opens it.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if env.bool("API_DOCS_PUBLIC", default=False)
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProfileRunStatusEnum": "dataquality.models.ProfileRunStatus.choices",
        "PayloadStatusEnum": "dataquality.services.results.payloads.PAYLOAD_STATUSES",
    },
}

# --- Databricks (contract section 8) ---
DATABRICKS_HOST = env.str("DATABRICKS_HOST", default="")
DATABRICKS_TOKEN = env.str("DATABRICKS_TOKEN", default="")
DATABRICKS_CLIENT_ID = env.str("DATABRICKS_CLIENT_ID", default="")
DATABRICKS_CLIENT_SECRET = env.str("DATABRICKS_CLIENT_SECRET", default="")
DATABRICKS_ALLOWED_HOSTS = env.list("DATABRICKS_ALLOWED_HOSTS", default=[])
# A connection's secret_ref must start with this prefix: its secrets are variables of their own.
DATABRICKS_SECRET_REF_PREFIX = env.str("DATABRICKS_SECRET_REF_PREFIX", default="DATABRICKS_SECRET_REF_")
if not DATABRICKS_SECRET_REF_PREFIX:
    raise ImproperlyConfigured("DATABRICKS_SECRET_REF_PREFIX must not be empty: it would let a connection name any variable.")
# Plain http to a workspace only for a loopback host (the local stand-in), and only when this says so.
DATABRICKS_ALLOW_INSECURE_LOOPBACK = env.bool("DATABRICKS_ALLOW_INSECURE_LOOPBACK", default=False)
DATABRICKS_HTTP_TIMEOUT_SECONDS = env.float("DATABRICKS_HTTP_TIMEOUT_SECONDS", default=30.0)
DATABRICKS_RETRY_MAX_SECONDS = env.float("DATABRICKS_RETRY_MAX_SECONDS", default=60.0)
# Check a table group's schema and masks against the workspace (Unity Catalog's tables API) at save and at start.
DATABRICKS_CHECK_TABLES = env.bool("DATABRICKS_CHECK_TABLES", default=True)

DATABRICKS_PROFILE_JOB_PREFIX = env.str("DATABRICKS_PROFILE_JOB_PREFIX", default="conversioncentral")
# `per_group`: one saved job per table group; `pooled`: one job per workspace, the group a run parameter
# (Databricks caps saved jobs per workspace; see docs/job-modes.md).
DATABRICKS_JOB_MODES = ("per_group", "pooled")
DATABRICKS_JOB_MODE = env.str("DATABRICKS_JOB_MODE", default="per_group")
if DATABRICKS_JOB_MODE not in DATABRICKS_JOB_MODES:
    raise ImproperlyConfigured(f"DATABRICKS_JOB_MODE must be one of {', '.join(DATABRICKS_JOB_MODES)}.")
DATABRICKS_POOLED_MAX_CONCURRENT_RUNS = env.int("DATABRICKS_POOLED_MAX_CONCURRENT_RUNS", default=100)
if not 1 <= DATABRICKS_POOLED_MAX_CONCURRENT_RUNS <= 1000:
    raise ImproperlyConfigured("DATABRICKS_POOLED_MAX_CONCURRENT_RUNS must be between 1 and 1000 (the Jobs API's limit).")
# Launch control (docs/launch-control.md), shared by every process through the database. Active runs per workspace:
# past it, runs wait as `queued` and the beat launches them oldest first; 0 sets no cap. Databricks runs at most
# 1,000 tasks at once per workspace (2,000 on Azure), other jobs included.
DATABRICKS_MAX_ACTIVE_RUNS = env.int("DATABRICKS_MAX_ACTIVE_RUNS", default=500)
# Calls to a workspace per second (every endpoint, every attempt); 0 sets no limit. Databricks allows about 20 a
# second for jobs/run-now and jobs/create, more for reads.
DATABRICKS_MAX_CALLS_PER_SECOND = env.float("DATABRICKS_MAX_CALLS_PER_SECOND", default=20.0)
# A call that would wait longer than this for its slot is not made: the caller meets a rate-limit error instead
# (a launch then stays queued for a later attempt).
DATABRICKS_CALL_MAX_WAIT_SECONDS = env.float("DATABRICKS_CALL_MAX_WAIT_SECONDS", default=10.0)
# How often the beat admits waiting runs into free slots and launches them.
PROFILE_RUN_LAUNCH_INTERVAL_SECONDS = env.int("PROFILE_RUN_LAUNCH_INTERVAL_SECONDS", default=30)
for _name in ("DATABRICKS_MAX_ACTIVE_RUNS", "DATABRICKS_MAX_CALLS_PER_SECOND", "DATABRICKS_CALL_MAX_WAIT_SECONDS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more, not {globals()[_name]}.")
if PROFILE_RUN_LAUNCH_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured("PROFILE_RUN_LAUNCH_INTERVAL_SECONDS must be at least 1.")
DATABRICKS_PROFILE_NOTEBOOK_PATH = env.str("DATABRICKS_PROFILE_NOTEBOOK_PATH", default="")
DATABRICKS_PROFILE_CLUSTER_ID = env.str("DATABRICKS_PROFILE_CLUSTER_ID", default="")
DATABRICKS_PROFILE_SPARK_VERSION = env.str("DATABRICKS_PROFILE_SPARK_VERSION", default="")
DATABRICKS_PROFILE_NODE_TYPE_ID = env.str("DATABRICKS_PROFILE_NODE_TYPE_ID", default="")
DATABRICKS_PROFILE_NUM_WORKERS = env.int("DATABRICKS_PROFILE_NUM_WORKERS", default=1)
DATABRICKS_PROFILE_POLICY_ID = env.str("DATABRICKS_PROFILE_POLICY_ID", default="")
DATABRICKS_PROFILE_GIT_URL = env.str("DATABRICKS_PROFILE_GIT_URL", default="")
DATABRICKS_PROFILE_GIT_BRANCH = env.str("DATABRICKS_PROFILE_GIT_BRANCH", default="main")
DATABRICKS_PROFILE_GIT_PROVIDER = env.str("DATABRICKS_PROFILE_GIT_PROVIDER", default="gitHub")
DATABRICKS_PROFILE_CALLBACK_URL = env.str("DATABRICKS_PROFILE_CALLBACK_URL", default="")
DATABRICKS_PROFILE_CALLBACK_SECRET = env.str("DATABRICKS_PROFILE_CALLBACK_SECRET", default="")
DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS = env.str("DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS", default="")
# Principals that may view the profiling jobs and their runs (whose parameters hold callback tokens):
# `user:NAME`, `group:NAME` or `service_principal:APPLICATION_ID`; none beyond the owner by default.
DATABRICKS_PROFILE_JOB_VIEWERS = env.list("DATABRICKS_PROFILE_JOB_VIEWERS", default=[])
DATABRICKS_PROFILE_WORKSPACE_ROOT = env.str(
    "DATABRICKS_PROFILE_WORKSPACE_ROOT", default="dbfs:/conversioncentral/profiles"
)

# --- Runs and alerts ---
PROFILE_RUN_POLL_AFTER_MINUTES = env.int("PROFILE_RUN_POLL_AFTER_MINUTES", default=10)
PROFILE_RUN_TIMEOUT_MINUTES = env.int("PROFILE_RUN_TIMEOUT_MINUTES", default=180)
PROFILE_CALLBACK_GRACE_HOURS = env.int("PROFILE_CALLBACK_GRACE_HOURS", default=24)
PROFILE_FAILURE_ALERT_THRESHOLD = env.int("PROFILE_FAILURE_ALERT_THRESHOLD", default=3)
PROFILE_ALERT_EMAILS = env.list("PROFILE_ALERT_EMAILS", default=[])
PROFILE_ALERT_WEBHOOK_URL = env.str("PROFILE_ALERT_WEBHOOK_URL", default="")
PROFILE_ALERT_WEBHOOK_TIMEOUT_SECONDS = env.float("PROFILE_ALERT_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Where the links in an alert point: this service as its users reach it (the callback URL when unset).
PROFILE_ALERT_BASE_URL = env.str("PROFILE_ALERT_BASE_URL", default="") or DATABRICKS_PROFILE_CALLBACK_URL

# --- The run monitor (the beat sweep, dataquality.services.monitor.sweep) ---
PROFILE_RUN_SWEEP_INTERVAL_SECONDS = env.int("PROFILE_RUN_SWEEP_INTERVAL_SECONDS", default=60)
# A run is asked about at most this often; below the sweep interval, so that every sweep finds it due.
PROFILE_RUN_POLL_INTERVAL_SECONDS = env.int(
    "PROFILE_RUN_POLL_INTERVAL_SECONDS", default=max(1, PROFILE_RUN_SWEEP_INTERVAL_SECONDS // 2)
)
# A run still queued this long after it was written lost its launch (a crash): it is submitted again.
PROFILE_RUN_QUEUED_GRACE_MINUTES = env.int("PROFILE_RUN_QUEUED_GRACE_MINUTES", default=5)
# A launch that met a 429, 5xx, timeout or connection error stays queued and is tried again by the sweep, after a
# doubling backoff from BASE up to MAX seconds (or the longer Retry-After), until the deadline after it was written.
PROFILE_RUN_LAUNCH_RETRY_BASE_SECONDS = env.int("PROFILE_RUN_LAUNCH_RETRY_BASE_SECONDS", default=60)
PROFILE_RUN_LAUNCH_RETRY_MAX_SECONDS = env.int("PROFILE_RUN_LAUNCH_RETRY_MAX_SECONDS", default=600)
PROFILE_RUN_LAUNCH_DEADLINE_MINUTES = env.int("PROFILE_RUN_LAUNCH_DEADLINE_MINUTES", default=60)
PROFILE_RUN_SWEEP_BATCH_SIZE = env.int("PROFILE_RUN_SWEEP_BATCH_SIZE", default=100)
PROFILE_RUN_SWEEP_THREADS = env.int("PROFILE_RUN_SWEEP_THREADS", default=8)
# The sweep task's hard time limit; the soft limit is 30 s less, and no new batch is claimed after half of it.
PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS = env.int("PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS", default=300)
for _name in ("PROFILE_RUN_SWEEP_INTERVAL_SECONDS", "PROFILE_RUN_POLL_INTERVAL_SECONDS", "PROFILE_RUN_SWEEP_BATCH_SIZE",
              "PROFILE_RUN_SWEEP_THREADS", "PROFILE_FAILURE_ALERT_THRESHOLD"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
del _name
if PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS < 60:
    raise ImproperlyConfigured("PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS must be at least 60.")
# How long the notebook keeps retrying its callback while the API answers 429/5xx or cannot be reached (a job
# parameter, `callback_retry_minutes`); the payload file stays the sweep's last resort after that.
PROFILE_CALLBACK_RETRY_MINUTES = env.int("PROFILE_CALLBACK_RETRY_MINUTES", default=30)
# The Retry-After of a 503 answered while the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = env.int("DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS", default=30)
PROFILE_CALLBACK_MAX_BYTES = env.int("PROFILE_CALLBACK_MAX_BYTES", default=50 * 1024 * 1024)
# The callback reads its own body up to this limit (dataquality/api/bounded_body.py); every other request
# keeps Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).

# --- Drift against the group's previous completed run (docs/anomalies.md); a group's drift_thresholds override ---
_DRIFT_DEFAULTS = {threshold.setting: threshold.default for threshold in DRIFT_THRESHOLDS}
DRIFT_NULL_SHARE_INCREASE = env.float("DRIFT_NULL_SHARE_INCREASE", default=_DRIFT_DEFAULTS["DRIFT_NULL_SHARE_INCREASE"])
DRIFT_DISTINCT_COUNT_FACTOR = env.float(
    "DRIFT_DISTINCT_COUNT_FACTOR", default=_DRIFT_DEFAULTS["DRIFT_DISTINCT_COUNT_FACTOR"]
)
DRIFT_MEAN_SHIFT_STDDEVS = env.float("DRIFT_MEAN_SHIFT_STDDEVS", default=_DRIFT_DEFAULTS["DRIFT_MEAN_SHIFT_STDDEVS"])
DRIFT_ROW_COUNT_DROP = env.float("DRIFT_ROW_COUNT_DROP", default=_DRIFT_DEFAULTS["DRIFT_ROW_COUNT_DROP"])
DRIFT_ROW_COUNT_GROWTH = env.float("DRIFT_ROW_COUNT_GROWTH", default=_DRIFT_DEFAULTS["DRIFT_ROW_COUNT_GROWTH"])
try:
    validate_drift_thresholds({threshold.key: globals()[threshold.setting] for threshold in DRIFT_THRESHOLDS})
except ValidationError as exc:
    raise ImproperlyConfigured(f"DRIFT_* settings: {' '.join(exc.messages)}") from None

# --- Baselines learned from the group's history (docs/monitoring.md); a group picks its `sensitivity` ---
for _baseline in BASELINE_SETTINGS:
    _value = env.float(_baseline.setting, default=float(_baseline.default))
    if _value < _baseline.minimum:
        raise ImproperlyConfigured(f"{_baseline.setting} must be at least {_baseline.minimum:g}, not {_value:g}.")
    globals()[_baseline.setting] = _value
DQ_BASELINE_WINDOW, DQ_BASELINE_MIN_RUNS = int(DQ_BASELINE_WINDOW), int(DQ_BASELINE_MIN_RUNS)  # noqa: F821
if DQ_BASELINE_MIN_RUNS > DQ_BASELINE_WINDOW:
    raise ImproperlyConfigured("DQ_BASELINE_MIN_RUNS must not exceed DQ_BASELINE_WINDOW.")

# --- Retention of stored results (docs/retention.md); the Delta results, when written, are the long-term store ---
try:
    DQ_RETAIN_VALUES_DAYS = retention_days(
        env.str("DQ_RETAIN_VALUES_DAYS", default=str(DEFAULT_VALUES_DAYS)), name="DQ_RETAIN_VALUES_DAYS"
    )
    DQ_RETAIN_METRICS_DAYS = retention_days(
        env.str("DQ_RETAIN_METRICS_DAYS", default=str(DEFAULT_METRICS_DAYS)), name="DQ_RETAIN_METRICS_DAYS"
    )
    # Runs, their tables and anomalies are kept forever unless this is set.
    DQ_RETAIN_RUNS_DAYS = retention_days(env.str("DQ_RETAIN_RUNS_DAYS", default=""), name="DQ_RETAIN_RUNS_DAYS")
    DQ_PRUNE_BATCH_SIZE = env.int("DQ_PRUNE_BATCH_SIZE", default=DEFAULT_PRUNE_BATCH_SIZE)
    validate_retention(
        values_days=DQ_RETAIN_VALUES_DAYS, metrics_days=DQ_RETAIN_METRICS_DAYS, runs_days=DQ_RETAIN_RUNS_DAYS,
        batch_size=DQ_PRUNE_BATCH_SIZE,
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

# --- Run report ---
# A run with more columns than this lists its tables and columns on the report page and shows each table's
# column details on a page of its own, so that the report stays quick to render and to load.
DATA_QUALITY_REPORT_INLINE_COLUMNS = env.int("DATA_QUALITY_REPORT_INLINE_COLUMNS", default=300)

# --- Results in the lakehouse and lineage (docs/lakehouse.md) ---
# `catalog.schema` for the result tables of groups and connections that name none; blank writes none.
DATA_QUALITY_RESULTS_SCHEMA = env.str("DATA_QUALITY_RESULTS_SCHEMA", default="")
if DATA_QUALITY_RESULTS_SCHEMA and not re.match(RESULTS_SCHEMA_PATTERN, DATA_QUALITY_RESULTS_SCHEMA):
    raise ImproperlyConfigured(
        f"DATA_QUALITY_RESULTS_SCHEMA must be catalog.schema, not {DATA_QUALITY_RESULTS_SCHEMA!r}."
    )
# An OpenLineage endpoint (Marquez, DataHub, ...): runs are reported there when set.
OPENLINEAGE_URL = env.str("OPENLINEAGE_URL", default="")
OPENLINEAGE_API_KEY = env.str("OPENLINEAGE_API_KEY", default="")
OPENLINEAGE_NAMESPACE = env.str("OPENLINEAGE_NAMESPACE", default="conversioncentral")
OPENLINEAGE_TIMEOUT_SECONDS = env.float("OPENLINEAGE_TIMEOUT_SECONDS", default=10.0)
# Attempts after the first before an event is given up (and logged); the waits double from 10 s.
OPENLINEAGE_MAX_RETRIES = env.int("OPENLINEAGE_MAX_RETRIES", default=3)

# --- Celery ---
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR / "messages"),
        "data_folder_out": str(_BROKER_DIR / "messages"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# How often beat looks for table groups whose schedule is due (contract section 10).
PROFILE_SCHEDULE_CHECK_SECONDS = env.int("PROFILE_SCHEDULE_CHECK_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "reconcile-profile-runs": {
        "task": "dataquality.tasks.reconcile_profile_runs_task",
        "schedule": float(PROFILE_RUN_SWEEP_INTERVAL_SECONDS),
        # A sweep that waited longer than its period is stale: the next one does its work, so they never pile up.
        "options": {"expires": PROFILE_RUN_SWEEP_INTERVAL_SECONDS * 0.8},
    },
    "launch-queued-profile-runs": {
        "task": "dataquality.tasks.launch_queued_profile_runs_task",
        "schedule": float(PROFILE_RUN_LAUNCH_INTERVAL_SECONDS),
        # A launcher still waiting when the next is sent is dropped: the next one admits and launches the same runs.
        "options": {"expires": float(PROFILE_RUN_LAUNCH_INTERVAL_SECONDS)},
    },
    "start-scheduled-profile-runs": {
        "task": "dataquality.tasks.start_scheduled_profile_runs_task",
        "schedule": float(PROFILE_SCHEDULE_CHECK_SECONDS),
        # A tick still waiting when the next is sent is dropped: the next one covers the same due groups.
        "options": {"expires": float(PROFILE_SCHEDULE_CHECK_SECONDS)},
    },
    "prune-profile-data": {
        "task": "dataquality.tasks.prune_profile_data_task",
        "schedule": crontab(hour=3, minute=17),
        # A prune not started by the next day's is dropped: that one does the same work, so they never pile up.
        "options": {"expires": 23 * 3600.0},
    },
}

# --- Logging: one stream; the Databricks client redacts secrets itself. ---
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # urllib3 logs every request line at DEBUG, and a webhook URL's path may be its token.
        "urllib3": {"level": "INFO"},
    },
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dataquality@localhost")
# The SMTP server of the failure alerts (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# Last, so that every variable read above is in it.
ENV_SETTINGS_READ = frozenset(env.names_read)
