"""Signed tokens: only our HS256 signature, with a known key, the right type and every claim, is accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlmodel import Session

from stoflow.accounts import tokens
from stoflow.accounts.tokens import ACCESS_TTL, TokenError, issue_access, key_id, verify_access
from stoflow.models.base import utcnow
from tests.conftest import clear_caches

KEY = "k" * 32 + "-current-signing-secret-of-64-chars-"
OLD_KEY = "o" * 32 + "-previous-signing-secret-of-64-chars"
OTHER_KEY = "x" * 32 + "-a-secret-stoflow-has-never-used-it"
SESSION = uuid.uuid4()


@pytest.fixture(autouse=True)
def signing_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    use_keys(monkeypatch, current=KEY)
    yield
    clear_caches()


def use_keys(monkeypatch: pytest.MonkeyPatch, *, current: str, previous: str | None = None) -> None:
    monkeypatch.setenv("JWT_SECRET_KEY", current)
    if previous is None:
        monkeypatch.delenv("JWT_SECRET_KEY_PREVIOUS", raising=False)
    else:
        monkeypatch.setenv("JWT_SECRET_KEY_PREVIOUS", previous)
    clear_caches()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64_json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def claims(**changes: Any) -> dict[str, Any]:
    """Valid access-token claims, with `changes` applied (None removes a claim)."""
    now = int(utcnow().timestamp())
    values: dict[str, Any] = {
        "sub": "42",
        "sid": str(SESSION),
        "type": "access",
        "jti": "a-random-id",
        "iat": now,
        "exp": now + 600,
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def forge(payload: dict[str, Any], *, key: str = KEY, kid: str | None = None, algorithm: str = "HS256") -> str:
    """A token signed with PyJWT as an attacker (or a past version of us) would."""
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid or key_id(KEY)})


def hand_made(header: dict[str, Any], payload: dict[str, Any], sign: Any) -> str:
    """A token built byte by byte, for headers PyJWT would not produce."""
    signing_input = f"{b64_json(header)}.{b64_json(payload)}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


def with_other_signature(token: str) -> str:
    head, _, signature = token.rpartition(".")
    return f"{head}.{signature[:-2]}{'BB' if signature.endswith('AA') else 'AA'}"


def refused(token: str, code: str = "token_invalid", **options: Any) -> None:
    with pytest.raises(TokenError) as error:
        verify_access(token, **options)
    assert error.value.code == code


class NoDatabase:
    """Stands for a session that must not be used: the token is refused before any query."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the database was used ({name}) for a token that should be refused first")


def test_an_access_token_round_trips() -> None:
    now = utcnow()
    claims_ = verify_access(issue_access(42, SESSION, now=now))
    assert claims_.user_id == 42 and claims_.session_id == SESSION
    assert claims_.issued_at == now.replace(microsecond=0)
    assert claims_.expires_at - claims_.issued_at == ACCESS_TTL


def test_the_header_names_the_key_by_a_hash_not_the_key_itself() -> None:
    token = issue_access(42, SESSION)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    assert header["kid"] == key_id(KEY) == hashlib.sha256(KEY.encode()).hexdigest()[:16]
    assert KEY not in token and KEY not in header["kid"]
    assert jwt.decode(token, options={"verify_signature": False})["type"] == "access"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_token_is_refused(alg: str) -> None:
    token = hand_made({"alg": alg, "typ": "JWT", "kid": key_id(KEY)}, claims(), lambda _: b"")
    refused(token)
    refused(token.rsplit(".", 1)[0] + ".")


def test_an_rs256_token_is_refused_even_with_our_kid() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(forge(claims(), key=cast(Any, private), algorithm="RS256"))


def test_public_key_confusion_forgeries_are_refused() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kid = key_id(KEY)

    def hs256(secret: bytes) -> Any:
        return lambda data: hmac.new(secret, data, hashlib.sha256).digest()

    # HS256 "signed" with a public key the attacker knows, in place of our secret.
    refused(hand_made({"alg": "HS256", "typ": "JWT", "kid": kid}, claims(), hs256(public_pem)))
    # An asymmetric algorithm in the header, but an HMAC made with our very secret as "public key".
    for alg in ("RS256", "ES256", "PS256", "EdDSA"):
        refused(hand_made({"alg": alg, "typ": "JWT", "kid": kid}, claims(), hs256(KEY.encode())))
    ec_private = ec.generate_private_key(ec.SECP256R1())
    refused(forge(claims(), key=cast(Any, ec_private), algorithm="ES256"))


def test_another_hmac_algorithm_is_refused_even_with_the_right_secret() -> None:
    refused(forge(claims(), algorithm="HS512"))
    refused(forge(claims(), algorithm="HS384"))


def test_a_tampered_payload_is_refused() -> None:
    token = issue_access(42, SESSION)
    header, payload, signature = token.split(".")
    claims_ = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims_["sub"] = "1"
    refused(f"{header}.{b64_json(claims_)}.{signature}")
    refused(with_other_signature(token))


def test_an_expired_token_is_refused_but_verifiable_for_renewal() -> None:
    token = issue_access(42, SESSION, now=utcnow() - ACCESS_TTL - timedelta(minutes=1))
    refused(token, "token_expired")
    assert verify_access(token, allow_expired=True).user_id == 42
    # Only the time is forgiven: a bad signature stays refused.
    refused(with_other_signature(token), allow_expired=True)


def test_a_few_seconds_of_clock_skew_are_tolerated() -> None:
    assert verify_access(issue_access(42, SESSION, now=utcnow() - ACCESS_TTL - timedelta(seconds=3))).user_id == 42
    assert verify_access(issue_access(42, SESSION, now=utcnow() + timedelta(seconds=3))).user_id == 42


def test_a_refresh_token_is_not_an_access_token() -> None:
    refused(forge(claims(type="refresh")), "token_wrong_type")


def test_an_access_token_is_not_a_refresh_token() -> None:
    access = issue_access(42, SESSION)
    with pytest.raises(TokenError) as error:
        tokens.rotate(cast(Session, NoDatabase()), access)
    assert error.value.code == "token_wrong_type"
    assert tokens.session_of_refresh(cast(Session, NoDatabase()), access) is None


@pytest.mark.parametrize("claim", tokens.REQUIRED_CLAIMS)
def test_a_token_missing_a_required_claim_is_refused(claim: str) -> None:
    refused(forge(claims(**{claim: None})))


@pytest.mark.parametrize(
    "changes",
    [
        {"sub": 42},
        {"sub": "-1"},
        {"sub": "0"},
        {"sub": "4²"},
        {"sub": "seller"},
        {"sid": "not-a-uuid"},
        {"sid": 7},
        {"type": "admin"},
        {"jti": ""},
        {"jti": 5},
        {"iat": "now"},
        {"exp": True},
        {"exp": 1.5e12},
    ],
)
def test_a_token_with_a_malformed_claim_is_refused(changes: dict[str, Any]) -> None:
    refused(forge(claims(**changes)), allow_expired=True)


def test_an_access_token_longer_lived_than_allowed_is_refused() -> None:
    now = int(utcnow().timestamp())
    refused(forge(claims(iat=now, exp=now + 24 * 3600)))


def test_the_previous_key_is_accepted_after_a_key_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    old_token = issue_access(42, SESSION)
    use_keys(monkeypatch, current=OLD_KEY, previous=KEY)
    assert verify_access(old_token).user_id == 42
    new_token = issue_access(42, SESSION)
    assert jwt.get_unverified_header(new_token)["kid"] == key_id(OLD_KEY)
    assert verify_access(new_token).user_id == 42
    # Once the previous key is dropped, its tokens are refused.
    use_keys(monkeypatch, current=OLD_KEY)
    refused(old_token)
    assert verify_access(new_token).user_id == 42


def test_a_token_of_an_unknown_key_is_refused() -> None:
    refused(forge(claims(), key=OTHER_KEY, kid=key_id(OTHER_KEY)))
    refused(forge(claims(), key=OTHER_KEY, kid=key_id(KEY)))
    refused(jwt.encode(claims(), KEY, algorithm="HS256"))  # no kid at all
    refused(hand_made({"alg": "HS256", "typ": "JWT", "kid": 17}, claims(), lambda _: b""))


def test_a_token_issued_in_the_future_is_refused() -> None:
    now = int(utcnow().timestamp())
    refused(forge(claims(iat=now + 3600, exp=now + 3600 + 600)))
    refused(issue_access(42, SESSION, now=utcnow() + timedelta(hours=1)))


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "..", "x" * 5000])
def test_garbage_is_refused(token: str) -> None:
    refused(token)
