"""Signed in as seller B, as support staff, and signed out, every /api route, called with
seller A's ids in its path, query and body, shows nothing of A's, changes nothing of A's,
never answers 5xx and never signs the browser in as A.

The routes are read from the FastAPI app the Reflex app mounts, not listed here. Every
other route a request can reach (a Starlette Route or Mount, a websocket, Reflex's own
endpoints) fails this suite unless NOT_API_ROUTES says how it is covered.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from stoflow.api import create_api
from stoflow.db.tenancy import tenant_session
from stoflow.models import Job, JobStatus
from tests.isolation import harness
from tests.isolation.conftest import Sellers
from tests.isolation.harness import CHANGE, ERROR, LEAK, Finding, RouteRef, RouteReport

# "METHOD /path" -> ("table.column" that may change, why). Only side effects that any
# stranger may cause by design belong here.
EXPECTED_CHANGES: dict[str, tuple[frozenset[str], str]] = {
    "POST /api/auth/login": (
        frozenset({"public.users.failed_sign_ins", "public.users.locked_until", "public.audit_log"}),
        "a wrong password for A's e-mail counts against A's account (the brute-force lock) and is audited",
    ),
    "POST /api/auth/forgot-password": (
        frozenset({"public.email_tokens", "public.mail_outbox", "public.audit_log"}),
        "anyone may ask for a reset link for an address: A gets the e-mail (a new link), the request is audited",
    ),
}

# "Kind /path" -> how it is covered, for every route the /api sweep does not run (anything
# that is not a FastAPI APIRoute). A new one fails test_every_route_is_swept_or_listed.
UPLOAD_SUITES = "covered by tests/isolation/test_client_token.py and tests/isolation/test_upload_door.py"
NOT_API_ROUTES: dict[str, str] = {
    "Route /_upload": UPLOAD_SUITES + " (client-token replay, anonymous and oversized uploads)",
    "Transformer stoflow.api.upload_guard.guard_uploads.<locals>.<lambda>": "the upload door in front of every "
    "request (stoflow.api.upload_guard): " + UPLOAD_SUITES,
    "Transformer stoflow.api.socket_cookies.hold_socket_cookies": "moves the websocket's Cookie header out of "
    "Reflex's router data, serves nothing itself; the events are bound to it by stoflow.state.guard: "
    "tests/isolation/test_client_token.py",
    "Transformer stoflow.security.headers.with_security_headers": "adds the security headers to every answer, "
    "serves nothing itself: tests/integration/test_security_headers.py",
    "Mount /_event": "the Reflex websocket: tests/isolation/test_client_token.py (a replayed client token); "
    "every event it carries is run by test_handlers",
    "Mount /_upload": "Reflex's static files of its upload folder: the upload door answers 404 to anything but "
    "POST /_upload (tests/isolation/test_upload_door.py); StoFlow keeps no file there",
    "Route /ping": "Reflex's liveness answer (a constant 'pong'): takes no input, reads nothing",
    "Route /_health": "Reflex's health check: whether its database and Redis answer, no seller data",
}

# "METHOD /path" -> (5xx statuses it may answer, why).
EXPECTED_STATUSES: dict[str, tuple[frozenset[int], str]] = {
    "GET /api/health": (frozenset({503}), "503 means degraded: no Celery worker runs during the tests"),
}


@pytest.fixture(scope="module")
def api() -> FastAPI:
    """The /api app as the Reflex app mounts it."""
    apps = harness.api_apps(harness.load_app())
    assert len(apps) == 1, f"expected one FastAPI app mounted by the Reflex app, found {len(apps)}"
    return apps[0]


@pytest.fixture(scope="module")
def routes(api: FastAPI) -> list[RouteRef]:
    return harness.api_routes(api)


@pytest.fixture(scope="module")
def sweep(api: FastAPI, routes: list[RouteRef], sellers: Sellers) -> dict[str, RouteReport]:
    return {
        ref.label: harness.check_route(
            api,
            ref,
            victim=sellers.a,
            intruder=sellers.b,
            support=sellers.support,
            allowed_changes=EXPECTED_CHANGES.get(ref.label, (frozenset(), ""))[0],
            allowed_statuses=EXPECTED_STATUSES.get(ref.label, (frozenset(), ""))[0],
        )
        for ref in routes
    }


def _report(findings: list[Finding]) -> str:
    return "\n".join(str(finding) for finding in findings[:60]) + (
        f"\n... and {len(findings) - 60} more" if len(findings) > 60 else ""
    )


def _findings(sweep: dict[str, RouteReport], *kinds: str) -> list[Finding]:
    return [f for report in sweep.values() for f in report.findings if f.kind in kinds]


# --- The sweep ------------------------------------------------------------------------


def test_the_mounted_api_has_every_route_of_create_api(routes: list[RouteRef]) -> None:
    mounted = {ref.label for ref in routes}
    built = {ref.label for ref in harness.api_routes(create_api())}
    assert mounted and mounted == built


def test_every_route_is_reached(routes: list[RouteRef], sweep: dict[str, RouteReport]) -> None:
    # Reached: the endpoint's own code ran at least once (not only the request validation).
    unreached = [ref.label for ref in routes if not sweep[ref.label].ran]
    assert not unreached, f"routes whose endpoint never ran with A's ids: {unreached}"


def test_allow_lists_name_existing_routes(routes: list[RouteRef]) -> None:
    stale = sorted((set(EXPECTED_CHANGES) | set(EXPECTED_STATUSES)) - {ref.label for ref in routes})
    assert not stale, f"EXPECTED_CHANGES / EXPECTED_STATUSES list routes that no longer exist: {stale}"
    labels = {label for label, _ in harness.app_routes()}
    assert not sorted(set(NOT_API_ROUTES) - labels), "NOT_API_ROUTES lists routes that no longer exist"


def test_every_route_is_swept_or_listed_with_a_reason() -> None:
    routes = harness.app_routes()
    unlisted = harness.unlisted_routes(routes, NOT_API_ROUTES)
    assert not unlisted, (
        f"routes the /api sweep does not run and NOT_API_ROUTES does not list: {unlisted}; make them "
        "APIRoutes under /api or list them in tests/isolation/test_api_routes.py with how they are covered"
    )
    labels = {label for label, _ in routes}
    # Reflex's own endpoints are seen, not only the /api app's.
    assert {"Route /_upload", "Mount /_event", "Route /ping"} <= labels


def test_no_route_shows_seller_a_data_to_seller_b(sweep: dict[str, RouteReport]) -> None:
    leaks = _findings(sweep, LEAK, harness.SIGN_IN)
    assert not leaks, "A's data reached another browser:\n" + _report(leaks)


def test_no_route_changes_seller_a_data(sweep: dict[str, RouteReport]) -> None:
    changed = _findings(sweep, CHANGE)
    assert not changed, "A's data changed:\n" + _report(changed)


def test_no_route_answers_5xx_to_seller_a_ids(sweep: dict[str, RouteReport]) -> None:
    errors = _findings(sweep, ERROR)
    assert not errors, "routes failed:\n" + _report(errors)


# --- The harness checks itself --------------------------------------------------------


SHOW = "GET /api/test-leaks/sellers/{seller_id}/jobs/{job_id}"
CANCEL = "POST /api/test-leaks/jobs/cancel"


def _leaky_api() -> FastAPI:
    """StoFlow's API plus routes that forget the tenant (they trust the seller id sent)."""
    api = create_api()

    @api.get("/api/test-leaks/sellers/{seller_id}/jobs/{job_id}")
    def show_job(seller_id: int, job_id: int) -> Any:
        with tenant_session(seller_id) as tenant:
            job = tenant.get(Job, job_id)
            return {"message": job.message if job else None}

    @api.post("/api/test-leaks/jobs/cancel")
    def cancel_job(body: dict[str, int]) -> Any:
        with tenant_session(body["seller_id"]) as tenant:
            job = tenant.get(Job, body["job_id"])
            if job is not None:
                job.status = JobStatus.cancelled.value
                tenant.add(job)
        return JSONResponse({"ok": True})

    return api


def test_an_unlisted_starlette_route_mount_websocket_or_wrapper_fails_the_suite() -> None:
    api = _leaky_api()

    def raw(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def socket(websocket: WebSocket) -> None:
        await websocket.close()

    api.add_route("/api/test-leaks/raw", raw, methods=["GET"])
    api.add_api_websocket_route("/api/test-leaks/socket", socket)
    api.router.routes.append(WebSocketRoute("/api/test-leaks/raw-socket", socket))
    api.mount("/api/test-leaks/files", PlainTextResponse("files"))

    def wrap_everything(app: Any) -> Any:
        return app

    unlisted = harness.unlisted_routes(harness.app_routes([api, wrap_everything]), NOT_API_ROUTES)

    assert unlisted == [
        "APIWebSocketRoute /api/test-leaks/socket",
        "Mount /api/test-leaks/files",
        "Route /api/test-leaks/raw",
        f"Transformer {__name__}.{wrap_everything.__qualname__}",
        "WebSocketRoute /api/test-leaks/raw-socket",
    ]


def _leaky_route(api: FastAPI, label: str) -> RouteRef:
    return next(ref for ref in harness.api_routes(api) if ref.label == label)


def test_route_requests_put_seller_a_ids_in_path_and_body(sellers: Sellers) -> None:
    api = _leaky_api()
    job = sellers.a.rows["jobs"][-1]

    shows = harness.route_requests(_leaky_route(api, SHOW), harness.probes_of(sellers.a))
    cancels = harness.route_requests(_leaky_route(api, CANCEL), harness.probes_of(sellers.a))

    assert f"/api/test-leaks/sellers/{sellers.a.user_id}/jobs/{job.id}" in {r.path for r in shows}
    bodies = [r.body or {} for r in cancels]
    assert any(body.get("seller_id") == sellers.a.user_id and body.get("job_id") == job.id for body in bodies)


def test_checker_reports_a_route_that_shows_another_sellers_row(sellers: Sellers) -> None:
    api = _leaky_api()
    report = harness.check_route(api, _leaky_route(api, SHOW), victim=sellers.a, intruder=sellers.b)

    leaks = [f for f in report.findings if f.kind == LEAK]
    assert leaks, "the checker missed a route showing A's job"
    assert {f.who for f in leaks} == {"as B", "signed out"}


def test_checker_reports_a_route_that_changes_another_sellers_row(sellers: Sellers) -> None:
    api = _leaky_api()
    report = harness.check_route(api, _leaky_route(api, CANCEL), victim=sellers.a, intruder=sellers.b)

    assert [f for f in report.findings if f.kind == CHANGE and "'cancelled'" in f.problem]
