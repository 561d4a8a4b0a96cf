"""Attacks on the Reflex state's session: what a websocket with forged, stale, mixed or
revoked cookies gets. Each runs a real event through Reflex's own processor."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from stoflow.accounts.tokens import issue_access, revoke_family, verify_access
from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE
from stoflow.db.engine import db_session
from stoflow.models.base import utcnow
from tests.isolation import harness
from tests.isolation.conftest import Sellers, signed_in_cookies

REFUSED = ["/login?next=%2Fdashboard"]


@pytest.fixture(scope="module")
def require_user() -> str:
    ref = next(ref for ref in harness.stoflow_handlers() if ref.label == "SessionState.require_user")
    return ref.event_name


def _expired_access(cookies: dict[str, str]) -> str:
    claims = verify_access(cookies[ACCESS_COOKIE])
    return issue_access(claims.user_id, claims.session_id, now=utcnow() - timedelta(hours=1))


def test_a_revoked_session_is_refused_at_the_next_event(require_user: str, sellers: Sellers) -> None:
    cookies = signed_in_cookies(sellers.b.user_id)
    assert harness.run_event(require_user, {}, cookies=cookies).redirects() == []
    with db_session() as db:
        revoke_family(db, verify_access(cookies[ACCESS_COOKIE]).session_id)
    # The access JWT is still unexpired: the database says no.
    outcome = harness.run_event(require_user, {}, cookies=cookies)
    assert outcome.redirects() == REFUSED
    assert sellers.b.email not in outcome.visible_text()


def test_an_open_page_whose_session_dies_gets_no_event_through(require_user: str, sellers: Sellers) -> None:
    """Even a handler that checks nothing itself never runs once the session is revoked."""
    download = next(ref for ref in harness.stoflow_handlers() if ref.label == "ExportState.start")
    cookies = signed_in_cookies(sellers.b.user_id)
    family = verify_access(cookies[ACCESS_COOKIE]).session_id

    def revoke() -> None:
        with db_session() as db:
            revoke_family(db, family)

    live = harness.run_event(download.event_name, {}, cookies=cookies, prelude=require_user)
    assert live.ran and live.redirects() == []
    dead = harness.run_event(download.event_name, {}, cookies=cookies, prelude=require_user, between=revoke)
    assert not dead.ran
    assert dead.redirects() == ["/login"]


def test_an_expired_access_token_vouched_for_by_the_refresh_cookie_goes_on_unnoticed(
    require_user: str, sellers: Sellers
) -> None:
    cookies = signed_in_cookies(sellers.b.user_id)
    stale = {**cookies, ACCESS_COOKIE: _expired_access(cookies)}
    outcome = harness.run_event(require_user, {}, cookies=stale)
    assert outcome.redirects() == [] and sellers.b.email in outcome.visible_text()
    # No token reaches the browser.
    assert "eyJ" not in "".join(str(update) for update in outcome.updates)


def test_an_expired_access_token_alone_opens_nothing(require_user: str, sellers: Sellers) -> None:
    cookies = signed_in_cookies(sellers.b.user_id)
    assert harness.run_event(require_user, {}, cookies={ACCESS_COOKIE: _expired_access(cookies)}).redirects() == REFUSED


def test_cookies_of_two_families_do_not_combine(require_user: str, sellers: Sellers) -> None:
    mine, other = signed_in_cookies(sellers.b.user_id), signed_in_cookies(sellers.a.user_id)
    mixed = {ACCESS_COOKIE: _expired_access(mine), REFRESH_COOKIE: other[REFRESH_COOKIE]}
    outcome = harness.run_event(require_user, {}, cookies=mixed)
    assert outcome.redirects() == REFUSED
    assert sellers.a.email not in outcome.visible_text()


@pytest.mark.parametrize("forgery", ["none", "unknown_key", "tampered"])
def test_forged_access_tokens_are_refused(require_user: str, sellers: Sellers, forgery: str) -> None:
    genuine = signed_in_cookies(sellers.b.user_id)[ACCESS_COOKIE]
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    claims["sub"] = str(sellers.a.user_id)  # pretend to be A
    if forgery == "none":
        token = jwt.encode(claims, key=None, algorithm="none", headers={"kid": header["kid"]})
    elif forgery == "unknown_key":
        token = jwt.encode(claims, "a key StoFlow never had, long enough" * 2, algorithm="HS256", headers=header)
    else:
        head, _, signature = genuine.split(".")
        body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()  # type: ignore[attr-defined]
        token = f"{head}.{body}.{signature}"
    outcome = harness.run_event(require_user, {}, cookies={ACCESS_COOKIE: token})
    assert outcome.redirects() == REFUSED
    assert sellers.a.email not in outcome.visible_text()
