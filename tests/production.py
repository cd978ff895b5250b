"""Running the project under ``cms.settings.production`` in a subprocess.

Production settings read everything from the environment at import, so each
test builds the environment an operator would write and starts a fresh
interpreter: nothing of the test settings leaks in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def production_environ(**overrides: str | None) -> dict[str, str]:
    """The process environment plus what production requires; an override of None removes a variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GUNICORN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "DJANGO_SECRET_KEY": get_random_secret_key(),
            "DJANGO_ALLOWED_HOSTS": "cms.example.gov.cn,127.0.0.1",
            # Production only checks the scheme at start-up; tests that talk
            # to the database pass a real one.
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -c code`` from the project root after django.setup()."""
    script = f"import django\ndjango.setup()\n{code}"
    return subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
