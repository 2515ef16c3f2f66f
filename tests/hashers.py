"""PBKDF2 with a test's work factor: the same algorithm as production, a thousandth of the
iterations, so a test that sets or checks a password costs milliseconds, not 0.3 s."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
