"""IMR Desk settings: one module, every deployment difference comes from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IMR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_daily_at(name: str, default: str) -> tuple[int, int]:
    """A time of day as HH:MM (24-hour, California time: CELERY_TIMEZONE), as (hour, minute)."""
    value = os.environ.get(name, default).strip()
    try:
        at = dt.time.fromisoformat(value)
    except ValueError:
        raise RuntimeError(
            f"{name} must be a time of day as HH:MM, such as 02:30; got {value!r}"
        ) from None
    return at.hour, at.minute


def beat_daily_or_every(at_name: str, at_default: str, every_name: str):
    """A whole-table check's beat schedule: daily at a quiet hour (`at_name`, HH:MM), or every
    so many seconds when `every_name` is set (a deployment that wants it more often). A fixed
    interval counts from beat's start, so it lands in the office's busiest hours as often as not."""
    every = os.environ.get(every_name, "").strip()
    if every:
        return float(every)
    hour, minute = env_daily_at(at_name, at_default)
    return crontab(hour=hour, minute=minute)


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A form from a page opened before the last sign-in gets our page, not Django's raw one.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "pgtrigger",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "audit",
    "ops",
    "cases",
    "reviews",
]

MIDDLEWARE = [
    # Health and metrics (ops): latency by view (django-prometheus: first and last of the
    # chain), then the request id and access log, then our error pages in DEBUG, outside
    # CommonMiddleware so that its APPEND_SLASH redirect still comes first; the health probes
    # answer before CommonMiddleware checks the Host header (probes ask by IP address).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.RequestLogMiddleware",
    "ops.middleware.DebugErrorPagesMiddleware",
    "ops.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, so it knows who; it sees the answer of everything inside it.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: an action whose follow-up waits for the task queue says so.
    "cases.outbox.middleware.FollowUpDelayMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "imrsite.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Our page in an empty 405's body: inside CommonMiddleware (the new Content-Length), CSRF
    # (the page's token gets its cookie) and the messages (the page shows them as read).
    "ops.middleware.MethodNotAllowedPageMiddleware",
    # Authentication (README "Authentication"): the inactivity timeout, then the second factor
    # (both answer htmx as an ended session, so they come after HtmxMiddleware), then axes,
    # which turns a lock-out into our sign-in page.
    "accounts.session_timeout.SessionTimeoutMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    # Hostile input: a NUL character in an address, a parameter or a form is refused.
    "imrsite.middleware.NulCharacterRefusal",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "imrsite.urls"
WSGI_APPLICATION = "imrsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.access.abilities",
            ],
            # {% form_field %}: one form field as every form draws it (imrsite/form_fields.py);
            # {% nav_links %}: the main navigation's links (imrsite/navigation.py).
            "libraries": {
                "form_fields": "imrsite.form_fields",
                "navigation": "imrsite.navigation",
            },
            # {% url %} and {% static %} with fixed links worked out once (imrsite/fixed_links.py),
            # in every template without {% load static %} (which would load Django's own).
            "builtins": ["imrsite.fixed_links"],
        },
    },
]

# Form widgets drawn by Jinja2 where Django ships its templates for it (imrsite/form_renderer.py).
FORM_RENDERER = "imrsite.form_renderer.WidgetRenderer"

# SQLite under var/ by default; PostgreSQL in production (DATABASE_URL=postgres://...).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'imrdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) so a real Celery worker process in the tests sees the test data.
    _suffix = os.environ.get("IMR_TEST_DB_SUFFIX", "")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_imrdesk{_suffix}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "casefile:home"
LOGOUT_REDIRECT_URL = "login"

# --- Authentication (README "Authentication"; HIPAA 45 CFR 164.312(a)(2)(iii), (d)) -----------
# Argon2id first: new passwords and every password at its next sign-in are hashed with it; the
# others stay only to read (and upgrade) hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# axes checks a sign-in before the password (lock-out), then Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out: this many failed sign-ins for one username from one address lock that pair for the
# cool-off (minutes); a system administrator can unlock sooner (Admin, "Access attempts").
AXES_FAILURE_LIMIT = int(os.environ.get("IMR_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(os.environ.get("IMR_SIGNIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The address a lock-out counts is the audit log's (audit.services.client_address: behind
# AUDIT_TRUSTED_PROXIES proxies of ours, that many hops from the right of X-Forwarded-For). axes'
# own proxy count needs django-ipware, which is not installed: it read REMOTE_ADDR, the proxy's,
# so five wrong passwords from anywhere locked the user out everywhere behind it.
AXES_CLIENT_IP_CALLABLE = "audit.services.client_address"
AXES_VERBOSE = False
# A second factor (TOTP or a recovery code) for every role but the API client.
IMR_REQUIRE_SECOND_FACTOR = env_bool("IMR_REQUIRE_SECOND_FACTOR", True)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("IMR_TOTP_ISSUER", "IMR Desk")
# Admin never shows a user's TOTP key or its QR code (accounts.admin: a reset deletes the device).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session ends after this many minutes without a request, and this many hours after sign-in
# whatever happens (the cookie's age too). Drafts are saved on the server, so nothing is lost.
IMR_SESSION_IDLE_MINUTES = int(os.environ.get("IMR_SESSION_IDLE_MINUTES", "15"))
IMR_SESSION_MAX_HOURS = int(os.environ.get("IMR_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = IMR_SESSION_MAX_HOURS * 3600
# Approving a determination and amending a letter ask for the password (and the second factor)
# unless the user gave them within this many minutes.
IMR_REAUTH_MINUTES = int(os.environ.get("IMR_REAUTH_MINUTES", "5"))
# How long a new API token lasts unless its creator says otherwise.
IMR_API_TOKEN_DAYS = int(os.environ.get("IMR_API_TOKEN_DAYS", "90"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The statutory clock runs on California time.
TIME_ZONE = "America/Los_Angeles"
# English only: the product has no translation catalogues. Off, Django's number and date
# formatting skip the active-language lookup each value made (about a third of the time a
# list page or the dashboard spent rendering); the formats are en-us's either way.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Medical records live outside every public URL; only a view serves them, after an access check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))


# --- Object storage: more than one machine (README, "More than one machine") ---
# Where records, letters, notices, proofs, print batches and intake drafts are kept (the
# "private" storage every FileField uses, through cases.records.storage.private_storage):
# "local", this machine's disk under PRIVATE_MEDIA_ROOT (one host), or "s3", a bucket of an
# S3-compatible object store (AWS S3, MinIO, ...) that every web and worker host shares.
def private_storage_config(environ) -> dict:
    """The "private" entry of STORAGES for this environment (tests pass one of their own)."""
    if environ.get("STORAGE_BACKEND", "local") != "s3":
        return {"BACKEND": "cases.records.storage.PrivateFileSystemStorage"}
    # Server-side encryption of every object: "AES256" (keys held by the store; MinIO needs
    # its KMS key set) by default, "aws:kms" with AWS_S3_SSE_KMS_KEY_ID, or "" for none.
    sse = environ.get("AWS_S3_SERVER_SIDE_ENCRYPTION", "AES256")
    object_parameters = {"ServerSideEncryption": sse} if sse else {}
    if environ.get("AWS_S3_SSE_KMS_KEY_ID"):
        object_parameters["SSEKMSKeyId"] = environ["AWS_S3_SSE_KMS_KEY_ID"]
    return {
        "BACKEND": "cases.records.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            # Empty for AWS itself; the store's address otherwise (http://minio:9000).
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            # Empty: boto3 finds the credentials itself (an instance role, ~/.aws).
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # A folder inside the bucket, so one bucket can hold several sites' files.
            "location": environ.get("AWS_LOCATION", ""),
            # Stored names are unique (a record's is random): never replace an existing object.
            "file_overwrite": False,
            # No ACL of the objects' own: the bucket is private and its policy rules.
            "default_acl": None,
            "object_parameters": object_parameters,
            # A file read from the bucket is held in memory up to this size, then on disk.
            "max_memory_size": int(environ.get("AWS_S3_MAX_MEMORY_SIZE", str(8 * 1024 * 1024))),
        },
    }


STORAGES["private"] = private_storage_config(os.environ)
RECORD_MAX_UPLOAD_BYTES = int(os.environ.get("RECORD_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# The web forms' fields besides files (files stream to disk); the API reads its JSON bodies under
# API_MAX_BODY_BYTES instead (cases.api.views.BodySizeLimited).
DATA_UPLOAD_MAX_MEMORY_SIZE = RECORD_MAX_UPLOAD_BYTES + 5 * 1024 * 1024
# A base64 record over the API is 4/3 of its size; the JSON body must fit it.
API_MAX_BODY_BYTES = RECORD_MAX_UPLOAD_BYTES * 2

# Hostile input: the limits on a record's PDF (cases.records.pdfcheck; README "Hostile input").
# The most pages a record may have. A claim's whole medical file rarely passes a few hundred
# pages, and a record over this is better sent in parts; 3,000 pages count in about 0.5 s and
# 50 MB, so the counting limits below leave a wide margin for honest files.
RECORD_MAX_PAGES = int(os.environ.get("RECORD_MAX_PAGES", "3000"))
# The page count runs in a child process with this much address space and this much time; a
# 12 MB PDF of 100,000 pages (340 MB, 10 s uncapped) stops at the memory limit.
RECORD_PAGE_COUNT_MEMORY_BYTES = int(
    os.environ.get("RECORD_PAGE_COUNT_MEMORY_BYTES", str(256 * 1024 * 1024))
)
RECORD_PAGE_COUNT_SECONDS = float(os.environ.get("RECORD_PAGE_COUNT_SECONDS", "30"))
# Celery's own limits on the counting task, a backstop behind the child's: soft (the task
# records "could not be counted") and hard (the worker process is replaced).
RECORD_COUNT_TASK_SOFT_SECONDS = int(RECORD_PAGE_COUNT_SECONDS) + 15
RECORD_COUNT_TASK_HARD_SECONDS = int(RECORD_PAGE_COUNT_SECONDS) + 30
# The largest offset and page size the API's lists take (larger values are clamped).
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "500"))
API_MAX_OFFSET = 1_000_000_000

# The eligibility screen (cases.eligibility.checks; README "Eligibility"). The checks that block a
# finding of eligible unless each is overridden with a written reason.
IMR_ELIGIBILITY_BLOCKING_CHECKS = env_list(
    "IMR_ELIGIBILITY_BLOCKING_CHECKS",
    "timely,filed_by,signed,ur_decision_on_file,ur_decision_basis,disputed_items,prior_imr,"
    "liability,information,duplicates,certification",
)
# A prior IMR of the same treatment counts when it was decided within this many months before
# this application was received (our setting: 8 CCR 9792.10.3(a)(2) speaks of "any previous
# application"; Lab. Code 4610(k)) and its wording is this similar (0 to 1).
IMR_PRIOR_IMR_MONTHS = int(os.environ.get("IMR_PRIOR_IMR_MONTHS", "12"))
IMR_PRIOR_IMR_SIMILARITY = float(os.environ.get("IMR_PRIOR_IMR_SIMILARITY", "0.75"))

# Celery: a broker that needs no server by default (kombu's filesystem transport under var/).
# The filesystem transport ignores the host; naming one keeps kombu from warning on every use.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's transport with each message written whole before a worker sees it.
    CELERY_BROKER_TRANSPORT = "imrsite.broker:Transport"
    _broker_dir = Path(os.environ.get("CELERY_FS_BROKER_DIR", VAR_DIR / "broker"))
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }

# --- No lost work: the outbox, its relay and the stuck-work sweep (README, "No lost work") ---
# How often beat runs the relay, which publishes follow-ups the broker could not take and
# re-queues stuck ones.
OUTBOX_RELAY_INTERVAL_SECONDS = float(os.environ.get("OUTBOX_RELAY_INTERVAL_SECONDS", "30"))
# A follow-up queued or running this long without finishing is stuck (its worker was killed,
# or a broker restarted empty) and is queued again. Far above the slowest task (a letter
# renders in well under a second; a task's own retries wait at most 5 minutes between tries).
OUTBOX_STUCK_AFTER_SECONDS = int(os.environ.get("OUTBOX_STUCK_AFTER_SECONDS", "900"))
# After this many re-queues of the same stuck work it is failed and shown with a retry button
# (work that kills its worker every time must not loop for ever).
OUTBOX_MAX_REQUEUES = int(os.environ.get("OUTBOX_MAX_REQUEUES", "3"))
# Redis transport: a message a worker took but never acknowledged (the whole worker was
# killed) is given to another worker after this many seconds (kombu's default: 1 hour). Longer
# than any task's countdown (at most 5 minutes), or a task waiting to retry would be delivered
# twice; the outbox's stuck sweep (above) usually re-queues the work first.
CELERY_VISIBILITY_TIMEOUT_SECONDS = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT_SECONDS", "1800"))
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# PDF work has its own queue (prefetch 1, workers recycled: WeasyPrint grows in memory).
CELERY_TASK_ROUTES = {
    "reviews.tasks.letter_render": {"queue": "letters"},
    "reviews.tasks.notice_render": {"queue": "letters"},
    # Print batches and proofs of service (a held copy served late renders one): PDF work too.
    "reviews.tasks.print_batch_render": {"queue": "letters"},
    "reviews.tasks.party_copies_serve": {"queue": "letters"},
    "reviews.tasks.letter_serve": {"queue": "letters"},
    # The monthly report renders its PDF with WeasyPrint as the letters do.
    "reviews.reports.tasks.report_run_work": {"queue": "letters"},
    # Counting a record's pages reads a file a sender chose: its own queue and worker, never
    # beside letters (README "Hostile input").
    "cases.tasks.record_inspect": {"queue": "records"},
}
CELERY_TIMEZONE = TIME_ZONE
# Beat starts afresh from a schedule file damaged by a stop mid-write (imrsite/beat.py).
CELERY_BEAT_SCHEDULER = "imrsite.beat:Scheduler"
CELERY_BEAT_SCHEDULE = {
    "clock-reminders": {
        "task": "cases.tasks.clock_reminders_send",
        "schedule": float(os.environ.get("CLOCK_REMINDER_INTERVAL_SECONDS", "900")),
    },
    # Follow-ups the broker could not take, and stuck ones (README, "No lost work").
    "follow-ups-relay": {
        "task": "cases.tasks.follow_ups_relay",
        "schedule": OUTBOX_RELAY_INTERVAL_SECONDS,
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# Seconds an SMTP connection may stall before it counts as failed: a mail is sent inside the
# transaction that records it, so a server that never answers must not hold those rows.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Where the file-based backend (EMAIL_BACKEND=...filebased.EmailBackend) writes messages.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# The address people use to reach the site, for links in e-mail.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IMR Desk <imr-desk@localhost>")

# The organization's letter-signing key (SPEC section 8): a PKCS#12 archive, or a PEM/DER key and
# certificate. Without either, a development EC P-256 key and self-signed certificate are made
# on first use when SIGNING_DEV_CERTIFICATE is on (the default only while DEBUG is on).
SIGNING_PKCS12_PATH = os.environ.get("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSWORD = os.environ.get("SIGNING_PKCS12_PASSWORD", "")
SIGNING_KEY_PATH = os.environ.get("SIGNING_KEY_PATH", str(VAR_DIR / "signing" / "letter-key.pem"))
SIGNING_CERT_PATH = os.environ.get(
    "SIGNING_CERT_PATH", str(VAR_DIR / "signing" / "letter-certificate.pem")
)
SIGNING_KEY_PASSWORD = os.environ.get("SIGNING_KEY_PASSWORD", "")
SIGNING_DEV_CERTIFICATE = env_bool("SIGNING_DEV_CERTIFICATE", DEBUG)
SIGNING_DEV_SUBJECT = os.environ.get(
    "SIGNING_DEV_SUBJECT", "IMR Desk Review Organization (development certificate)"
)
# The largest PDF the public verification page accepts.
LETTER_VERIFY_MAX_BYTES = int(os.environ.get("LETTER_VERIFY_MAX_BYTES", str(10 * 1024 * 1024)))

# How many working days ahead a print batch may be dated for posting: its proofs of service
# declare that date under penalty of perjury (CCP 1013a(3)), so it must be one it can be posted on.
PRINT_BATCH_POSTING_WORKING_DAYS = int(os.environ.get("PRINT_BATCH_POSTING_WORKING_DAYS", "5"))
# How many days a posted print batch stays listed on the print queue with its PDF (a batch
# confirmed on another date is joined again with new proofs: this is where that PDF is).
PRINT_BATCH_POSTED_LISTED_DAYS = int(os.environ.get("PRINT_BATCH_POSTED_LISTED_DAYS", "30"))

# How many business days before the determination is due a reviewer is reminded.
REVIEWER_REMINDER_BUSINESS_DAYS = int(os.environ.get("REVIEWER_REMINDER_BUSINESS_DAYS", "2"))
# More new escalations than this for one administrator in one run of the reminders (a bulk
# import of old applications) come as one digest, an e-mail and a notification, not one each.
ADMIN_ALERTS_DIGEST_AFTER = int(os.environ.get("ADMIN_ALERTS_DIGEST_AFTER", "5"))

# The statutory clock's choices where the law leaves one (README, "The statutory clock").
# How long a process trusts its copy of which holiday-calendar version is current: after a
# holiday edit, another process may count on the old version this long (one small query per
# calendar each time it looks again, so a short window costs nothing measurable).
CLOCK_CALENDAR_CACHE_SECONDS = int(os.environ.get("CLOCK_CALENDAR_CACHE_SECONDS", "30"))
# A service whose method is not known counts as this method: "mail" gives the worker the five
# days of CCP 1013(a) (UR decision, letter) and the claims administrator the 15 days of a
# mailed notice (8 CCR 9792.10.5(a)(1)).
CLOCK_UNKNOWN_UR_SERVICE = os.environ.get("CLOCK_UNKNOWN_UR_SERVICE", "mail")
CLOCK_UNKNOWN_NOTICE_SERVICE = os.environ.get("CLOCK_UNKNOWN_NOTICE_SERVICE", "mail")
CLOCK_UNKNOWN_LETTER_SERVICE = os.environ.get("CLOCK_UNKNOWN_LETTER_SERVICE", "mail")
# 8 CCR 9792.10.7(a) counts from receipt of the determination: a mailed one is taken as
# received this many calendar days after mailing (CCP 1013(a)'s five days), electronic the same day.
# 8 CCR 10605(a): service of the determination by any method but personal service extends the
# 30 days to appeal by 5 days within California (10 elsewhere in the US, 20 abroad: a party
# outside California may need this raised; the letter is one document for every party).
CLOCK_APPEAL_SERVICE_EXTENSION_DAYS = int(
    os.environ.get("CLOCK_APPEAL_SERVICE_EXTENSION_DAYS", "5")
)
CLOCK_MAIL_RECEIPT_DAYS = int(os.environ.get("CLOCK_MAIL_RECEIPT_DAYS", "5"))
# 8 CCR 9792.10.5(a)(1) gives the records 15 days after a mailed notice of assignment, 12 after
# one sent electronically. A notice signed to be mailed prints the 15 days; a copy held for an
# address and then e-mailed would end the records 3 days before the date the notice gave. With
# this on, the clock keeps the printed date whenever the rule alone would end earlier (the
# claims administrator is never counted late by a date the IRO's own notice did not give).
CLOCK_RECORDS_DUE_AS_PRINTED = os.environ.get("CLOCK_RECORDS_DUE_AS_PRINTED", "1") == "1"
# The same for the letter's authorization and reimbursement dates (8 CCR 9792.10.7(a): from
# receipt, 5 days after mailing, the same day by e-mail): the letter signed while the claims
# administrator's copy waited for an address printed them as for a mailed copy.
CLOCK_DUTIES_AS_PRINTED = os.environ.get("CLOCK_DUTIES_AS_PRINTED", "1") == "1"
# The notice of assignment of an expedited review is due the day the application arrives
# (standard: one business day, 8 CCR 9792.10.4(b)).
CLOCK_EXPEDITED_NOTICE_SAME_DAY = os.environ.get("CLOCK_EXPEDITED_NOTICE_SAME_DAY", "1") == "1"
# 8 CCR 9792.10.3(c): business days the parties have to answer a request for information. The
# regulation counts from their receipt of the request; the request goes by the most efficient
# means (9792.10.3(b): e-mail or fax), so it is counted from the day it is sent.
IMR_INFORMATION_RESPONSE_BUSINESS_DAYS = int(
    os.environ.get("IMR_INFORMATION_RESPONSE_BUSINESS_DAYS", "5")
)
# 8 CCR 9792.10.3(a)(3), (d): a deferral for a liability dispute has no limit of its own; after
# this many days the case page and the reminders flag it to be looked at again.
IMR_DEFERRAL_REVIEW_DAYS = int(os.environ.get("IMR_DEFERRAL_REVIEW_DAYS", "30"))

# --- The audit log (README "Audit log"; 45 CFR 164.312(b)) ----------------------------------
# How many proxies of ours stand in front of the application. 0: the address audited is the
# connection's (REMOTE_ADDR). N: the address the outermost of our N proxies saw, N hops from the
# right of X-Forwarded-For (what a client writes further left is not trusted).
# IMR_PROXY_COUNT, the sign-in lock-out's name for the same count, is read when this is not set.
AUDIT_TRUSTED_PROXIES = int(
    os.environ.get("AUDIT_TRUSTED_PROXIES", os.environ.get("IMR_PROXY_COUNT", "0"))
)
# The audit search page shows this many events a page; the CSV export has them all.
AUDIT_EVENTS_PER_PAGE = int(os.environ.get("AUDIT_EVENTS_PER_PAGE", "100"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiTokenAuthentication",
        "accounts.api_auth.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.views.exception_handler",
    # LimitOffsetPagination with the limit and offset clamped (a huge number is no 500).
    "DEFAULT_PAGINATION_CLASS": "cases.api.pagination.ClampedLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IMR Desk API",
    "DESCRIPTION": "Submit IMR applications and records; read case status and letters.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several choice sets share a field name ("kind", "outcome"): name each enum by its meaning.
    "ENUM_NAME_OVERRIDES": {
        "CitationKindEnum": "cases.lifecycle.models.CitationKind",
        "RecordKindEnum": "cases.records.models.RecordKind",
        "ItemOutcomeEnum": "cases.lifecycle.models.Outcome",
        "CaseOutcomeEnum": "cases.lifecycle.models.CaseOutcome",
        # application_signed and liability_disputed: yes, no or not_stated.
        "AnswerEnum": ["yes", "no", "not_stated"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema_hooks.nullable_references",
    ],
}

# --- Production settings (README "Production settings") --------------------------------------
# `DEBUG=0 SECRET_KEY=... ALLOWED_HOSTS=... manage.py check --deploy --fail-level WARNING` passes
# with these defaults (tests/test_production_settings.py runs it). Each can be turned off for a
# trial over plain HTTP, never in production.
if not DEBUG:
    # Behind the TLS-terminating proxy, which says the original scheme in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies only over HTTPS (the session cookie is the sign-in; the CSRF cookie guards forms).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Plain-HTTP requests are redirected to HTTPS; a proxy must send X-Forwarded-Proto: https or
# every request loops. Not redirected: the health probes (they answer before SecurityMiddleware,
# so docker-compose's plain-HTTP check of /health/live/ works) and /metrics, which Prometheus
# scrapes from the web container directly, where there is no TLS (README "Health and metrics").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
# HSTS: browsers refuse plain HTTP to this host for a year (and its subdomains: a subdomain
# over HTTP could set cookies for this one). Preload is off by default: the preload list is
# hard to leave and binds every subdomain of the registered domain, which the organization, not
# this application, decides; so Django's preload warning (security.W021) is silenced unless it
# is turned on. Off while DEBUG is on (a browser would remember it for localhost).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The covering indexes' INCLUDE columns (index-only reads of the case list and the
    # quality queue) are PostgreSQL's; SQLite builds the same indexes without them, which
    # is what the one-machine default needs. Said on every migrate, the warning is noise.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page may be framed by another site; the two frames of our own pages (the letter preview,
# the record viewer) allow their own origin by a decorator on their views.
X_FRAME_OPTIONS = "DENY"
# Addresses carry case numbers: other sites get no Referer from us.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Secrets come from the environment only: SECRET_KEY (above), DATABASE_URL, the signing key's
# passwords (below), the SMTP password and BACKUP_ENCRYPTION_KEY. None has a production default.
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- Content Security Policy (django-csp 4; README "Production settings") ----------------------
# Every page: our own scripts, styles, fonts and images only; no inline script and no eval (htmx
# is configured in base.html not to need them); no inline style either (the two that were are
# stylesheets now); no plugin; not framed by anyone (two views allow their own origin); forms
# post only to us. The letter preview sets a stricter policy of its own, which this leaves as is.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- No-store (README "Production settings") ----------------------------------------------
# Every answer to a signed-in request and every API answer carries medical information or may:
# imrsite.middleware.NoStoreMiddleware marks it Cache-Control: no-store (static files, served by
# WhiteNoise before it, are not).

# --- Integrity of stored files (README "Integrity") -------------------------------------------
# Besides the active system administrators, who else is e-mailed when a stored file fails.
INTEGRITY_ALERT_EMAILS = env_list("INTEGRITY_ALERT_EMAILS", "")
# When beat re-checks every stored file against its SHA-256: daily at INTEGRITY_CHECK_AT
# (California time; it reads every file), or every INTEGRITY_CHECK_INTERVAL_SECONDS when set.
CELERY_BEAT_SCHEDULE["stored-files-verify"] = {
    "task": "cases.tasks.stored_files_verify",
    "schedule": beat_daily_or_every(
        "INTEGRITY_CHECK_AT", "01:30", "INTEGRITY_CHECK_INTERVAL_SECONDS"
    ),
}

# The dates the monthly report and the dashboard count eligibility findings under are kept beside
# their events and checked against them by beat (README "Dashboard and reports"): when (daily
# at ELIGIBILITY_FINDINGS_CHECK_AT, California time, an hour after the files' check; or every
# ELIGIBILITY_FINDINGS_CHECK_INTERVAL_SECONDS when set), and whether a finding that differs is
# made again from its events (default: yes; the events are the record) or only reported.
ELIGIBILITY_FINDINGS_REPAIR = env_bool("ELIGIBILITY_FINDINGS_REPAIR", True)
CELERY_BEAT_SCHEDULE["eligibility-findings-check"] = {
    "task": "cases.tasks.eligibility_findings_check",
    "schedule": beat_daily_or_every(
        "ELIGIBILITY_FINDINGS_CHECK_AT", "02:30", "ELIGIBILITY_FINDINGS_CHECK_INTERVAL_SECONDS"
    ),
}

# --- Backups (README "Backups") -------------------------------------------------------------
# The key `manage.py backup` encrypts with and `restore` decrypts with (AES-256-GCM, 32 bytes in
# URL-safe base64: `manage.py backup --new-key` prints one). Kept apart from the backups.
BACKUP_ENCRYPTION_KEY = os.environ.get("BACKUP_ENCRYPTION_KEY", "")

# --- Health, metrics, logs and error pages (ops; README "Health and metrics", "Error pages") ---
# Log lines as JSON (one object a line, for a log collector) or as text; text while DEBUG is on.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise RuntimeError("LOG_FORMAT must be json or text")
# /metrics answers these addresses or networks (comma-separated) and, from anywhere, a request
# with `Authorization: Bearer <METRICS_TOKEN>` (empty: no token is accepted). Never public.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# How long the health check waits for the broker before calling it down (seconds).
HEALTH_BROKER_TIMEOUT = float(os.environ.get("HEALTH_BROKER_TIMEOUT", "1.0"))
# Our 404 and 500 pages even while DEBUG is on (Django's debug 404 lists every URL); off gives
# Django's debug pages (for every user: a staff user too).
IMR_DEBUG_ERROR_PAGES = env_bool("IMR_DEBUG_ERROR_PAGES", True)
# While DEBUG is on, show Django's traceback page for a server error instead of ours.
IMR_DEBUG_TRACEBACKS = env_bool("IMR_DEBUG_TRACEBACKS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record carries the id of the request (or of the request that queued the task).
    "filters": {
        "request_id": {"()": "ops.logs.RequestIdFilter"},
        "refusal_without_traceback": {"()": "ops.logs.RefusalWithoutTraceback"},
    },
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (a console one while DEBUG is on) would print each of its
        # records a second time beside ours: its records go to the root's handler only.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["refusal_without_traceback"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # axes logs every sign-in at INFO; the auth events (imr.auth) already say what matters.
        "axes": {"level": "WARNING"},
        # A letter signed by someone else is an answer on the verification page, not a fault:
        # pyHanko would log a path-building traceback for it.
        "pyhanko.sign.validation.generic_cms": {"level": "ERROR"},
        # runserver's own request lines carry the query string (which may hold names); the
        # access log (imr.access) has one line per request without it.
        "django.server": {"level": "WARNING"},
    },
}

# --- Assignment levers: acceptance escalation (README "Assigning reviewers") -----------------
# A reviewer who has not accepted (or declined) an assignment within this time is escalated to
# the case administrators, once per assignment. Standard reviews: business days after the
# assignment (the same time of day); expedited ones, whose whole review takes 3 days
# (Lab. Code 4610.6(d)), hours.
ACCEPT_ESCALATION_BUSINESS_DAYS = int(os.environ.get("ACCEPT_ESCALATION_BUSINESS_DAYS", "1"))
ACCEPT_ESCALATION_EXPEDITED_HOURS = int(os.environ.get("ACCEPT_ESCALATION_EXPEDITED_HOURS", "4"))
# How often beat looks for assignments waiting too long.
ACCEPT_ESCALATION_INTERVAL_SECONDS = float(
    os.environ.get("ACCEPT_ESCALATION_INTERVAL_SECONDS", "900")
)
CELERY_BEAT_SCHEDULE["assignment-acceptance-escalate"] = {
    "task": "reviews.assignment.tasks.acceptances_escalate",
    "schedule": ACCEPT_ESCALATION_INTERVAL_SECONDS,
}

# --- Batch assignment plan in the background (README "Assigning reviewers") ------------------
# A worked-out batch plan may be assigned for this many minutes (and only while no assignment
# has changed since); after that the page marks it stale and asks for it to be worked out again.
ASSIGNMENT_PLAN_FRESH_MINUTES = int(os.environ.get("ASSIGNMENT_PLAN_FRESH_MINUTES", "10"))
# The Assign page's copy of the roster (reviews/assignment/roster_snapshot.py) is read again on
# every change the database's triggers see, and besides at least this often: a write made with
# the triggers off (pg_restore --disable-triggers, session_replication_role = replica) shows
# within this time instead of at the next restart. 0 keeps no copy: every page reads the roster.
ROSTER_COPY_MAX_AGE_SECONDS = int(os.environ.get("ROSTER_COPY_MAX_AGE_SECONDS", "600"))
# Bulk import in the browser (cases.intake.imports): the largest intake file taken, and how long
# a run may go without progress before the administrator is offered to resume it.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))
IMPORT_RUN_STUCK_MINUTES = int(os.environ.get("IMPORT_RUN_STUCK_MINUTES", "5"))
# A case administrator's reminders from the case list (cases.reminders.runs): how long a run may
# go without progress before it is offered to resume.
REMINDER_RUN_STUCK_MINUTES = int(os.environ.get("REMINDER_RUN_STUCK_MINUTES", "5"))
# The operations dashboard's charts are computed at most this often per period and kept in the
# cache (Django's default, in each process's memory); the page says when they were taken and
# offers "Refresh now". 0 computes them on every request.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
# Django's cache: each process's own memory by default; CACHE_URL (redis://host:6379/2, a
# database of its own, never the broker's) shares it between every web process and host, so a
# "Refresh now" on one is what the others show.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
# A monthly report run (reviews.reports.runs) untouched this long has lost its worker: its page
# offers "Try again". Far above a month's counting and rendering (seconds).
REPORT_RUN_STUCK_MINUTES = int(os.environ.get("REPORT_RUN_STUCK_MINUTES", "10"))

# --- Precedents (README "Precedents") ------------------------------------------------------
# Step 3 of the workspace shows, beside each disputed item, how the most similar prior items
# were decided (issue 13). An organization that keeps precedents out of its reviewers' sight
# while they decide (against anchoring on earlier outcomes) turns it off; the library and the
# consistency flags stay.
IMR_SIMILAR_PANELS = env_bool("IMR_SIMILAR_PANELS", True)

# --- Consistency flags for quality review (README "Precedents") -----------------------------
# An item decided against at least this many closely similar prior items under the same
# guideline source, of which at least this percentage were decided the other way, is flagged
# for the medical director when the determination is submitted (it never blocks approval).
CONSISTENCY_FLAG_MIN_SIMILAR = int(os.environ.get("CONSISTENCY_FLAG_MIN_SIMILAR", "5"))
CONSISTENCY_FLAG_MIN_PERCENT = int(os.environ.get("CONSISTENCY_FLAG_MIN_PERCENT", "75"))
