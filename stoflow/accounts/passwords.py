"""Password hashing: argon2id through pwdlib."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return password_hasher().hash("stoflow-timing-equaliser")


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password; with no hash (unknown e-mail) still pay for one argon2 check,
    so response times do not tell which e-mails have an account."""
    if password_hash is None:
        password_hasher().verify(password, _dummy_hash())
        return False
    return password_hasher().verify(password, password_hash)
