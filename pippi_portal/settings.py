"""PIPPI Portal settings: one file, read from the environment, safe for production by default.

Development comfort (DEBUG, plain HTTP, a throw-away secret) comes from variables that `make run` and
`make test` export; a production deployment that forgets one of the required variables fails at start-up.
See README.md, "Configuration", for the list.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Third-party apps the admin shows are named through their Italian configurations (pippi_portal/apps_italian.py):
# django.contrib.contenttypes, allauth.account, allauth.mfa, axes, pghistory, django_tasks_db.
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "pippi_portal.apps_italian.ItalianContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "pippi_portal.apps_italian.ItalianAccountConfig",
    "pippi_portal.apps_italian.ItalianMFAConfig",
    "pippi_portal.apps_italian.ItalianAxesConfig",
    "csp",
    "pgtrigger",
    "pippi_portal.apps_italian.ItalianPGHistoryConfig",
    "django_tasks",
    "pippi_portal.apps_italian.ItalianTasksConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "pippi_portal",
    "equipes",
    "families",
    "interventions",
    "imports",
    "reporting",
    "sinba",
    "demo",  # synthetic data (seed_demo, seed_scale): last, since it uses every app
]

MIDDLEWARE = [
    "pippi_portal.middleware.PreparedStatementsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages (pippi_portal/middleware.py): idle and absolute session limits,
    # disabled users, the second factor, no caching of pages.
    "pippi_portal.middleware.SessionPolicyMiddleware",
    "pippi_portal.middleware.MFARequiredMiddleware",
    "pippi_portal.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during authentication into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pippi_portal.urls"
WSGI_APPLICATION = "pippi_portal.wsgi.application"

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
                "pippi_portal.context_processors.navigation",
                "families.context_processors.redactor",
            ],
        },
    },
]
# Widgets rendered from Django's Jinja2 copies of its own widget templates (pippi_portal/renderers.py).
FORM_RENDERER = "pippi_portal.renderers.FastWidgetRenderer"

# --- Database: PostgreSQL only -------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...)")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Pages run short queries: PostgreSQL's JIT compiler, triggered by high cost estimates of aggregate
# subqueries, spent a second compiling where the query itself takes milliseconds (docs/benchmarks.md). No
# parallel workers either: on the two cores that serve the requests, starting them cost more than they saved
# (the budget's pass over a project's entries: 40 ms with one worker, 16 ms without; docs/decisions.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"
# Long reads of a request as server-side prepared statements, planned once per connection
# (pippi_portal/prepared.py). Off behind a pooler in transaction mode, which does not keep them.
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication --------------------------------------------------------------------------------
AUTH_USER_MODEL = "equipes.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt from a locked-out username and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # allauth's login (username) with the user's ambito loaded at once; Django admin model permissions.
    "pippi_portal.backends.PortalAuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "equipes.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "equipes.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# A password reset never logs the user in: the next login asks for the second factor as usual.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PIPPI Portal"
# Every role works with minors' data, so every account needs a second factor (TOTP, with recovery codes).
# Until one is active the user reaches only the pages that set it up (pippi_portal.middleware).
# `make run` and `make test` switch it off so that the demo logins stay one step.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

# --- Login lockout (django-axes) --------------------------------------------------------------------
# Five failed logins for the same username from the same address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# allauth's form names the username field "login"; the address comes from the proxy only when one is
# trusted (pippi_portal/security.py).
AXES_USERNAME_CALLABLE = "pippi_portal.security.login_username"
AXES_CLIENT_IP_CALLABLE = "pippi_portal.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# allauth's own limit on failed logins stays per address only (against trying many usernames); the
# per-username limit is axes', so a locked-out user always sees the lockout page.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip"}

# --- Sessions ----------------------------------------------------------------------------------------
# 30 minutes without a request end a session; 12 hours after the login it ends whatever the activity.
# Django's database sessions, read with SQL compiled once per process (pippi_portal/sessions.py).
SESSION_ENGINE = "pippi_portal.sessions"
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_TOUCH_SECONDS = 60
# The session is saved when it changes; SessionPolicyMiddleware changes it at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation --------------------------------------------------------------------------
# Italian everywhere; English is available by setting LANGUAGE_CODE=en (the language does not follow the
# browser's Accept-Language, so a page never mixes an Italian text with English dates).
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="it")
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files and uploads ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves STATIC_ROOT after `collectstatic`; with finders on, development and tests need no
# collectstatic step.
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise before any view.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Uploads (consents, certificates, CVs) live outside static/ and are only served through views that
# check the user's scope: no URL pattern serves MEDIA_URL, which exists only because Django requires it.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/_uploads_are_not_served_here/"
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail (password resets) -------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.it:587. Unset, mail goes to an SMTP server on this
# machine, as Django does by default; `make run` writes it to files under var/mail/ (filemail:///var/mail, a
# path relative to the project folder), and the tests keep it in memory.
email_config = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = email_config["EMAIL_BACKEND"]
EMAIL_HOST = email_config["EMAIL_HOST"] or "localhost"
EMAIL_PORT = email_config["EMAIL_PORT"] or 25
EMAIL_HOST_USER = email_config["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = email_config["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = email_config.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = BASE_DIR / email_config["EMAIL_FILE_PATH"]
# A mail server that does not answer holds the password-reset page for at most this many seconds.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PIPPI Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write about the portal's accessibility (the accessibility statement's feedback mechanism, AgID model).
ACCESSIBILITY_FEEDBACK_EMAIL = env.str("ACCESSIBILITY_FEEDBACK_EMAIL", default="accessibilita@pippi-portal.example")

# --- Forms -----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------------------------------
HTTPS = env.bool("HTTPS", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Content Security Policy (django-csp 4): only the portal's own files, no inline scripts or styles, no
# eval, no framing, no plugins. `data:` images are the TOTP QR code and Bootstrap's CSS icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# --- Encryption at rest (pippi_portal/crypto.py) ----------------------------------------------------
# Fernet keys, comma-separated; the first encrypts, all decrypt. Separate from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
# Key of the HMAC that lets the codice fiscale be looked up without decrypting it.
HASH_KEY = env.str("HASH_KEY")
# Key of the HMAC that makes the pseudonymous child identifier of the SINBA return (sinba/identifiers.py): its own
# key, never rotated (a new key gives every child a new identifier at INPS). Empty: the return cannot be generated.
SINBA_ID_KEY = env.str("SINBA_ID_KEY", default="")
# How the SINBA e-service (sinba/eservice.py) knows the ente's gateway: "token" (Authorization: Bearer, manage.py
# sinba_token) or "client-cert" (the TLS proxy verifies the gateway's client certificate and forwards its SHA-256
# fingerprint and subject in these headers, compared with the ente's). Anything else: every call is refused.
SINBA_AUTH = env.str("SINBA_AUTH", default="token")
SINBA_CLIENT_CERT_HEADER = env.str("SINBA_CLIENT_CERT_HEADER", default="X-SSL-Client-SHA256")
SINBA_CLIENT_CERT_SUBJECT_HEADER = env.str("SINBA_CLIENT_CERT_SUBJECT_HEADER", default="X-SSL-Client-S-DN")
# A flow sent without an outcome for this many days may be offered again from the page ("Invia di nuovo").
SINBA_RESEND_AFTER_DAYS = env.int("SINBA_RESEND_AFTER_DAYS", default=30)

# Long work (report PDFs) runs in the background worker: `python manage.py run_worker` (started by `make run`),
# which takes up the jobs of a worker that died (pippi_portal/tasks.py): a running job whose worker has not been
# seen for TASK_LEASE_SECONDS is queued again, a job claimed or failed TASK_MAX_ATTEMPTS times fails for good, a
# failed job is tried again after TASK_RETRY_DELAY_SECONDS, SIGTERM waits TASK_SHUTDOWN_GRACE_SECONDS for the job
# to end before releasing it, and a page stops polling a job after TASK_POLL_TIMEOUT_SECONDS.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASK_LEASE_SECONDS = env.float("TASK_LEASE_SECONDS", default=60.0)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=3)
TASK_RETRY_DELAY_SECONDS = env.float("TASK_RETRY_DELAY_SECONDS", default=10.0)
TASK_SHUTDOWN_GRACE_SECONDS = env.int("TASK_SHUTDOWN_GRACE_SECONDS", default=30)
TASK_POLL_TIMEOUT_SECONDS = env.int("TASK_POLL_TIMEOUT_SECONDS", default=600)
if TASK_LEASE_SECONDS <= 0 or TASK_MAX_ATTEMPTS < 1 or TASK_POLL_TIMEOUT_SECONDS <= 0:
    raise environ.ImproperlyConfigured("TASK_LEASE_SECONDS, TASK_MAX_ATTEMPTS and TASK_POLL_TIMEOUT_SECONDS: > 0")
# Tests only: the report job sleeps this long once its figures are frozen, so that a test can kill its worker
# in the middle of a render (reporting/tests/test_worker_crash.py).
REPORT_RENDER_PAUSE_SECONDS = env.float("REPORT_RENDER_PAUSE_SECONDS", default=0.0)

# Changes are recorded with the request's user and URL; pages that only read set no context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Application -----------------------------------------------------------------------------------
# Breakdown cells of reports below this count print as "< N" (DESIGN.md §3.5).
REPORT_SMALL_CELL_THRESHOLD = env.int("REPORT_SMALL_CELL_THRESHOLD", default=3)
# Hours (DESIGN.md §3.4): a day above this many hours is flagged to the person and to the validator (the
# ceiling of 24 hours is fixed, in the database); no hours are recorded before this date, nor before the
# first project of the person's ambito.
HOURS_DAY_WARNING = env.float("HOURS_DAY_WARNING", default=10.0)
if not 0 < HOURS_DAY_WARNING < 24:
    raise environ.ImproperlyConfigured("HOURS_DAY_WARNING must be a number of hours above 0 and below 24")
try:
    HOURS_EARLIEST_DATE = date.fromisoformat(env.str("HOURS_EARLIEST_DATE", default="2021-01-01"))
except ValueError as error:
    raise environ.ImproperlyConfigured("HOURS_EARLIEST_DATE must be a date as YYYY-MM-DD") from error

# Imports (issue 17 §2): a file of more rows than IMPORT_DRY_RUN_IN_WORKER_ABOVE is tried in the background
# worker too; a job writes its progress every IMPORT_PROGRESS_EVERY rows; the page stops polling a run that has
# given no news for IMPORT_POLL_TIMEOUT seconds. IMPORT_THROTTLE_SECONDS is for tests only: the job sleeps that
# long after each progress write, so that a browser sees the bar move.
IMPORT_DRY_RUN_IN_WORKER_ABOVE = env.int("IMPORT_DRY_RUN_IN_WORKER_ABOVE", default=2000)
IMPORT_PROGRESS_EVERY = max(1, env.int("IMPORT_PROGRESS_EVERY", default=500))
IMPORT_POLL_TIMEOUT = env.int("IMPORT_POLL_TIMEOUT", default=600)
IMPORT_THROTTLE_SECONDS = env.float("IMPORT_THROTTLE_SECONDS", default=0.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
