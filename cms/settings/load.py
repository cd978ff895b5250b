"""Load test (``benchmarks/bench_load.py``): production behaviour, over plain HTTP on loopback.

Derived from base, not from production, because production forces
HTTPS-only cookies (``SESSION_COOKIE_SECURE``, ``CSRF_COOKIE_SECURE``) and
an SSL redirect: the load clients talk plain HTTP to gunicorn on 127.0.0.1,
so they would never get a session or CSRF cookie back and every login and
save would fail, measuring nothing. Everything else that shapes the
numbers is as in production: DEBUG off, PostgreSQL from ``DATABASE_URL``,
the real password hasher, the database task queue for exports.
"""

from .base import *

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "load-test-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    raise RuntimeError("负载测试必须通过 DATABASE_URL 指定 PostgreSQL 数据库")
