"""Test settings: the same database selection as base (SQLite, or DATABASE_URL)."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "build" / "test-media"
# A real worker subprocess started by a fault test is pointed at that test's directories.
SITE_SOURCE_DIR = Path(os.environ.get("TEST_SITE_SOURCE_DIR", BASE_DIR / "build" / "test-site_src"))
SITE_OUTPUT_DIR = Path(os.environ.get("TEST_SITE_OUTPUT_DIR", BASE_DIR / "build" / "test-site"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Django's test client ``login()`` calls authenticate() without a request,
# which django-axes refuses; tests use force_login(), and the throttling tests
# switch axes on (tests/cms/core/test_login_throttling.py).
AXES_ENABLED = False
