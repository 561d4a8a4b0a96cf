"""Growing delays after failed password checks, counted in Redis so every process agrees.

A rule reads like the other rate limits, "N/period" (the `limits` notation): a key (an
IP address, a normalised e-mail address, a known device, an account) may fail N times
in a row for free; from the N-th failure on, each failure makes the next attempt wait
BASE_DELAY, then twice as long, and so on up to MAX_DELAY. A key's count is forgotten
`period` after its last failure, or at once by a success (`clear`).

Keys are stored as SHA-256 digests: Redis never holds an address in clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from typing import cast

import redis
from limits import parse

from stoflow.config import get_settings
from stoflow.security.rate_limits import RateLimited

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60


class Throttle(StrEnum):
    """What a count is kept for; the setting is RATE_LIMIT_<VALUE>."""

    sign_in_failures_ip = "sign_in_failures_ip"
    sign_in_failures_email = "sign_in_failures_email"  # also a known device's own count
    password_check_failures = "password_check_failures"  # per account: change password, delete account


# One failure, atomically: count it, and from the free allowance on set the time before
# which the key may not try again. Returns the wait in seconds (0: none yet).
_FAIL = """
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
local free = tonumber(ARGV[2])
local wait = 0
if count >= free then
  wait = math.min(tonumber(ARGV[3]) * (2 ^ (count - free)), tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'until', tonumber(ARGV[1]) + wait)
end
redis.call('EXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), math.ceil(wait) + 1))
return {count, math.ceil(wait)}
"""


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().require("REDIS_URL"))


def _redis_key(rule: Throttle, key: str) -> str:
    return f"stoflow:throttle:{rule.value}:{hashlib.sha256(key.encode()).hexdigest()}"


def _rule(rule: Throttle) -> tuple[int, int]:
    """(free failures, seconds a count is remembered) of a rule's setting."""
    item = parse(getattr(get_settings(), f"rate_limit_{rule.value}"))
    return item.amount, item.get_expiry()


def wait_seconds(rule: Throttle, key: str) -> int:
    """How long `key` must still wait before its next attempt (0: it may try now)."""
    until = cast("bytes | None", _redis().hget(_redis_key(rule, key), "until"))
    if until is None:
        return 0
    return max(0, math.ceil(float(until) - time.time()))


def check(keys: Iterable[tuple[Throttle, str]]) -> None:
    """Raise RateLimited (with the longest wait) if any key must still wait."""
    wait = max((wait_seconds(rule, key) for rule, key in keys), default=0)
    if wait > 0:
        raise RateLimited(wait)


def fail(rule: Throttle, key: str) -> tuple[int, int]:
    """Count one failure of `key`; returns (failures in a row, seconds to wait now)."""
    free, period = _rule(rule)
    count, wait = cast(
        "list[int]",
        _redis().eval(
            _FAIL, 1, _redis_key(rule, key), time.time(), free, BASE_DELAY_SECONDS, MAX_DELAY_SECONDS, period
        ),
    )
    return int(count), int(wait)


def clear(rule: Throttle, key: str) -> None:
    """Forget the failures of `key` (after a success)."""
    _redis().delete(_redis_key(rule, key))
