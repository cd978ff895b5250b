"""gunicorn settings for the Wagtail admin (``gunicorn -c deploy/gunicorn.conf.py``).

Every value can be overridden from the environment (the systemd unit's
EnvironmentFile), so the file itself stays the same on every server.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "cms.wsgi:application"
# nginx proxies to this address; never expose gunicorn directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Editors are few; requests are short except imports and previews.  Two
# workers per core at most keeps PostgreSQL connections bounded.
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A .docx import of a large notice can take a while; a worker stuck longer
# than this is killed and restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Trust X-Forwarded-* only from the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to stdout/stderr, collected by journald.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = 'remote=%({x-forwarded-for}i)s method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
# Tempfiles of worker heartbeats in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files only
