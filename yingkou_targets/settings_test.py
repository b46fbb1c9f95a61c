"""Test settings: the production settings with test-only values filled in.

DEBUG stays off so tests see production behaviour; DATABASE_URL is honoured, so the same suite
runs on SQLite (unset) and PostgreSQL (set).
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parent.parent / 'test.sqlite3'}")
os.environ["DEBUG"] = "0"
# The test client speaks plain HTTP: no https redirect, HSTS or Secure cookies (tests/test_settings.py checks them).
os.environ["HTTPS"] = "0"
os.environ.setdefault("CELERY_BROKER_URL", "")

from .settings import *  # noqa: E402,F403

# Manifest storage needs collectstatic; tests serve static files as they are.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Serve static files through the finders, as DEBUG does, rather than from a collected STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Test data changes without recompute runs, and run ids repeat after a rollback: no cache, except in the
# test of the cache itself.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
