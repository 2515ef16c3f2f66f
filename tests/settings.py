"""The test suite runs the production settings (DEBUG off), given what a test machine lacks:
a secret key, the test client's host names, and plain-HTTP cookies for the local browser."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "minyi-test-suite-secret-key-not-for-production-use")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_COOKIES", "0")

from minyi.settings import *  # noqa: E402,F403

# Static files straight from the apps: a fresh clone has not run collectstatic.
WHITENOISE_USE_FINDERS = True

# The password tests hash and check dozens of passwords (history, lock-outs): same algorithm,
# test work factor (tests/hashers.py).
PASSWORD_HASHERS = ["tests.hashers.FastPBKDF2PasswordHasher"]
