"""Settings shared by every environment.

The database comes from ``DATABASE_URL`` (PostgreSQL in production and in the
second CI pass); without it an SQLite file next to the project is the embedded
default, so a fresh clone runs with nothing else installed.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "cms"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "cms.core",
    "cms.units",
    "cms.documents",
    "cms.importer",
    "cms.ledger",
    "cms.assessment",
    "cms.letters",
    "cms.publishing",
    "cms.workflow",
    "cms.backup",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "wagtail.api.v2",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out username/address before any
# password is checked, then Django's own backend authenticates.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Editors are Chinese; the admin, dates and slugs follow.
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
# The only language: a browser asking for English (LocaleMiddleware reads
# Accept-Language) must still get the Chinese login page and admin.
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILADMIN_USER_LOGIN_FORM = "cms.core.login_form.ChineseLoginForm"
# Chinese for Wagtail admin messages its own zh_Hans catalogue leaves in English
# (page locks, workflow locks, save conflicts): editors must understand why a save was refused.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
# Public URLs must be ASCII so they survive copying into WeChat, e-mail and
# portal CMSs; the Chinese title stays the page title.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# An edit during approval invalidates earlier approvals (审核 must see what 签发 signs).
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

# The StreamField editor posts every block and cell as its own field: a 36-task list
# (seed 001, 附件 重点项目清单) posts about 3,700 fields, and Django's default of 1,000
# turned saving such a page into "400 Bad Request". Pages are split per attachment,
# so 20,000 leaves room for the largest documents while still bounding a request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "安全生产和消防工作目标责任")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# No avatars from gravatar.com: editors may sit behind a filtered network, and
# the admin makes no request to a foreign host (the CSP would block it anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the dashboard's check for new Wagtail releases (upgrades go through the lock file).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# 任务清单 are edited in the compact grid (cms/core/task_grid); "0" brings back
# Wagtail's nested forms, which benchmarks/bench_editor.py measures beside it.
TASK_GRID_EDITOR = os.environ.get("TASK_GRID_EDITOR", "1") != "0"
# Chinese words are indexed and queried as character pairs (cms/core/chinese_search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.core.search_backend"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# Prefix of the 信息公开 index number (索引号) given to every notice.
DOCUMENTS_INDEX_PREFIX = os.environ.get("DOCUMENTS_INDEX_PREFIX", "AW")

# Where the public static site is written (export issue).
SITE_SOURCE_DIR = Path(os.environ.get("SITE_SOURCE_DIR", BASE_DIR / "site_src"))
SITE_OUTPUT_DIR = Path(os.environ.get("SITE_OUTPUT_DIR", BASE_DIR / "site"))

# Ledger items due within this many days are 临期 (issue 14: default 15).
LEDGER_DUE_SOON_DAYS = int(os.environ.get("LEDGER_DUE_SOON_DAYS", "15"))

# Background tasks (django-tasks).  Wagtail's own tasks (reference index, search
# index, image focal points) use ``@task()`` and so the "default" alias: it stays
# the immediate backend, so they keep running in-process without a worker.  The
# site export is slow and goes to "exports", stored in the database and run by
# ``manage.py db_worker --backend exports`` (see README, 后台任务).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Password guessing on /admin/login/ (django-axes).  Five wrong passwords for
# one username from one address lock that pair out for the cool-off period;
# the same user from another address, and other users, can still log in.
# Attempts are stored in the database, so every gunicorn worker sees them.
# ``manage.py axes_reset_username <用户名>`` lifts a lockout early.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，该账号已在此地址暂时锁定，请稍后再试或联系管理员解锁。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，该账号已在此地址锁定，请联系管理员解锁。"
# The client address is read by cms.core.client_ip: X-Forwarded-For counts
# only when the request comes from one of these proxy addresses.
AXES_CLIENT_IP_CALLABLE = "cms.core.client_ip.client_ip"
TRUSTED_PROXIES: list[str] = [p.strip() for p in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Content-Security-Policy (django-csp) for everything Django serves: the
# Wagtail admin, previews, the API.  Wagtail 8's admin runs with scripts from
# its own origin only; it still writes style attributes (StreamField, tooltips,
# the rich-text editor), so styles allow 'unsafe-inline', which cannot run code.
# Wagtail widgets that start with inline scripts are rewritten by cms/core/csp.py.
# Checked in Chromium by tests/browser/test_csp.py.  Media on an object store
# add its origin in production.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"cms": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# The headless API is read-only and anonymous: it only ever serves the public view.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
WAGTAILAPI_LIMIT_MAX = 100

# Ledger: how often ongoing obligations (长期坚持、持续推进、日常工作) get a check-in
# (节点): one of 每年 / 每半年 / 每季度 / 每月.
LEDGER_ONGOING_CADENCE = os.environ.get("LEDGER_ONGOING_CADENCE", "每季度")
