"""Rate limits on sign-in, registration, e-mailed links and password checks, counted in
Redis so every process agrees.

A moving window per rule and key (an IP address, a normalised e-mail). `hit` counts one
attempt and says how long to wait when the limit is reached.
"""

from __future__ import annotations

import math
import time
from enum import StrEnum
from functools import lru_cache

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from stoflow.config import get_settings


class Rule(StrEnum):
    sign_in_ip = "sign_in_ip"
    sign_in_email = "sign_in_email"
    register_ip = "register_ip"
    register_email = "register_email"
    email_link_ip = "email_link_ip"  # forgot password, resend verification
    email_link_email = "email_link_email"
    password_check = "password_check"  # per account: change password, delete account


class RateLimited(Exception):
    """Too many attempts; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry in {retry_after} s")
        self.retry_after = retry_after
        self.code = "rate_limited"


@lru_cache(maxsize=1)
def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(get_settings().require("REDIS_URL")))


def _limit_of(rule: Rule) -> str:
    return getattr(get_settings(), f"rate_limit_{rule.value}")


def hit(rule: Rule, key: str) -> None:
    """Count one attempt under `rule` for `key`; raise RateLimited past the limit."""
    item = parse(_limit_of(rule))
    if not _limiter().hit(item, "stoflow", rule.value, key):
        reset = _limiter().get_window_stats(item, "stoflow", rule.value, key).reset_time
        raise RateLimited(max(1, math.ceil(reset - time.time())))
