"""The test suite runs the production settings (DEBUG off), given what a test machine lacks:
a secret key, the test client's host names, and plain HTTP: the test client and the local
browser speak HTTP, so cookies are not marked Secure and HTTP is not redirected to HTTPS (the
HTTPS behaviour itself is tested with these turned back on, tests/core/test_security_headers.py).
Set in the environment, so the processes some tests start get the same."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "minyi-test-suite-secret-key-not-for-production-use")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_COOKIES", "0")
# No SMS leaves a test run: the console and file backends stand in for the provider.
os.environ.setdefault("MINYI_SMS_ALLOW_TEST_BACKEND", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from minyi.settings import *  # noqa: E402,F403

# Static files straight from the apps: a fresh clone has not run collectstatic.
WHITENOISE_USE_FINDERS = True

# The password tests hash and check dozens of passwords (history, lock-outs): same algorithm,
# test work factor (tests/hashers.py).
PASSWORD_HASHERS = ["tests.hashers.FastPBKDF2PasswordHasher"]
