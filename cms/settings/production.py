"""Production: every secret and host comes from the environment.

Start-up stops with a Chinese message naming the variable when something
required is missing, so a half-configured server never answers requests.
The variables are listed in README (配置, 部署).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .environment import as_bool, as_list, media_origins, media_storage, required

DEBUG = False
SECRET_KEY = required(
    "DJANGO_SECRET_KEY",
    hint="请设置至少 50 个字符的随机字符串，例如用 "
    "python -c 'from django.core.management.utils import get_random_secret_key as k; print(k())' 生成。",
)
ALLOWED_HOSTS = as_list(
    required("DJANGO_ALLOWED_HOSTS", hint="请写管理后台的域名，多个用逗号分隔，例如 cms.example.gov.cn。")
)
CSRF_TRUSTED_ORIGINS = as_list(os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", ""))

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "生产环境必须通过 DATABASE_URL 指定 PostgreSQL 数据库，例如 postgres://用户@主机:5432/库名"
    )

# HTTPS ends at the proxy (nginx), which tells Django with X-Forwarded-Proto;
# nginx must overwrite that header, never pass on the client's.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = as_bool(os.environ.get("DJANGO_SECURE_SSL_REDIRECT"), default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = as_bool(os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS"), default=True)
# The header only makes the domain eligible; submitting it to the browsers' preload
# list is a separate, deliberate step (README 部署).
SECURE_HSTS_PRELOAD = as_bool(os.environ.get("DJANGO_HSTS_PRELOAD"), default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's preview iframe sets SAMEORIGIN on its own views; everything else is never framed.
X_FRAME_OPTIONS = "DENY"

# Links in notification e-mails; defaults to the first host over HTTPS.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Wagtail e-mails approvers when a page waits for them.  Without an SMTP
# relay the messages are dropped instead of failing every approval with a
# connection error to localhost:25.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = as_bool(os.environ.get("DJANGO_EMAIL_USE_TLS"), default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", f"noreply@{ALLOWED_HOSTS[0]}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Static files: collectstatic writes hashed, pre-compressed copies into
# STATIC_ROOT; WhiteNoise serves them from gunicorn with a one-year cache, so
# the admin works behind any proxy (nginx may also serve STATIC_ROOT itself).
# It sits right after SecurityMiddleware so a static file costs no session or
# database work.  Only here: dev uses runserver's handler, tests no files.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
for _origin in media_origins(STORAGES["default"]):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_origin)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"].append(_origin)

# Logs go to stdout for journald/docker: one line per record, key=value, so
# they can be grepped and shipped without a parser per message.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s pid=%(process)d msg=%(message)s",
        },
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "keyvalue"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "cms": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
