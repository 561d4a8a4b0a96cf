"""Signed in as seller B (and signed out), every StoFlow event handler, called with seller
A's ids, shows nothing of A's and changes nothing of A's.

The handlers are read from the app (every state Reflex registered), not listed here: a
new handler is checked the day it is written, or this suite fails until it is listed in
NOT_EXERCISED with the reason. See harness.py for how an event is processed.
"""

from __future__ import annotations

import pytest
import reflex as rx
from sqlmodel import select

from stoflow.db.engine import db_session
from stoflow.db.tenancy import list_tenant_schemas, tenant_session
from stoflow.models import Job, JobStatus
from tests.isolation import harness
from tests.isolation.conftest import Sellers, signed_in_cookies
from tests.isolation.harness import CHANGE, ERROR, LEAK, Finding, HandlerRef, HandlerReport

# "State.handler" -> why the sweep does not run it. Every entry needs a reason a reviewer
# would accept; "takes no id" is not one (such handlers still run, signed in as B).
NOT_EXERCISED: dict[str, str] = {}

# Exceptions a handler may raise as a clean refusal (the app turns them into a message).
CLEAN_REFUSALS: tuple[type[BaseException], ...] = ()


@pytest.fixture(scope="module")
def handlers() -> list[HandlerRef]:
    return harness.stoflow_handlers()


@pytest.fixture(scope="module")
def sweep(sellers: Sellers, handlers: list[HandlerRef]) -> dict[str, HandlerReport]:
    """Every handler, every probe, as B and signed out: run once for the whole module."""
    return {
        ref.label: harness.check_handler(ref, victim=sellers.a, intruder=sellers.b, expected_errors=CLEAN_REFUSALS)
        for ref in handlers
        if ref.label not in NOT_EXERCISED
    }


def _report(findings: list[Finding]) -> str:
    return "\n".join(str(finding) for finding in findings[:60]) + (
        f"\n... and {len(findings) - 60} more" if len(findings) > 60 else ""
    )


def _findings(sweep: dict[str, HandlerReport], kind: str) -> list[Finding]:
    return [f for report in sweep.values() for f in report.findings if f.kind == kind]


# --- The sweep ------------------------------------------------------------------------


def test_the_app_registers_stoflow_handlers_with_reflex(handlers: list[HandlerRef]) -> None:
    assert handlers, "no StoFlow event handler found: the enumeration is broken"
    unregistered = [ref.label for ref in handlers if not harness.is_registered(ref)]
    assert not unregistered, f"handlers Reflex would not dispatch: {unregistered}"


def test_not_exercised_names_only_existing_handlers(handlers: list[HandlerRef]) -> None:
    stale = sorted(set(NOT_EXERCISED) - {ref.label for ref in handlers})
    assert not stale, f"NOT_EXERCISED lists handlers that no longer exist: {stale}"


def test_every_stoflow_handler_is_exercised_or_listed_with_a_reason(
    handlers: list[HandlerRef], sweep: dict[str, HandlerReport]
) -> None:
    forgotten = [ref.label for ref in handlers if ref.label not in sweep and ref.label not in NOT_EXERCISED]
    never_ran = [label for label, report in sweep.items() if not report.ran]
    assert not forgotten, f"handlers neither exercised nor in NOT_EXERCISED: {forgotten}"
    assert not never_ran, (
        f"handlers whose code never ran (the event did not reach them): {never_ran}; "
        "exercise them or add them to NOT_EXERCISED in tests/isolation/test_handlers.py with the reason"
    )


def test_no_handler_shows_seller_a_data_to_seller_b(sweep: dict[str, HandlerReport]) -> None:
    leaks = _findings(sweep, LEAK)
    assert not leaks, "A's data reached another browser:\n" + _report(leaks)


def test_no_handler_changes_seller_a_data(sweep: dict[str, HandlerReport]) -> None:
    changed = _findings(sweep, CHANGE)
    assert not changed, "A's data changed:\n" + _report(changed)


def test_no_handler_crashes_on_seller_a_ids(sweep: dict[str, HandlerReport]) -> None:
    errors = _findings(sweep, ERROR)
    assert not errors, "handlers failed (a refusal must be a message, not an exception):\n" + _report(errors)


# --- The harness checks itself --------------------------------------------------------


def _handler(handlers: list[HandlerRef], label: str) -> HandlerRef:
    return next(ref for ref in handlers if ref.label == label)


def test_harness_runs_handlers_as_the_signed_in_seller(handlers: list[HandlerRef], sellers: Sellers) -> None:
    require_user = _handler(handlers, "SessionState.require_user")

    signed_in = harness.run_event(require_user.event_name, {}, cookies=signed_in_cookies(sellers.b.user_id))
    signed_out = harness.run_event(require_user.event_name, {}, cookies={})

    assert signed_in.ran and not signed_in.errors
    assert signed_in.redirects() == []
    assert sellers.b.email in signed_in.visible_text()
    assert signed_out.ran and not signed_out.errors
    assert signed_out.redirects() == ["/login?next=%2Fdashboard"]
    assert sellers.b.email not in signed_out.visible_text()


def test_harness_sees_the_signed_in_sellers_own_rows(handlers: list[HandlerRef], sellers: Sellers) -> None:
    # The marker search is not vacuous: B's own jobs, with B's markers, do reach B's page.
    dashboard = _handler(handlers, "DashboardState.load")

    outcome = harness.run_event(dashboard.event_name, {}, cookies=signed_in_cookies(sellers.b.user_id))

    assert harness.leaked(outcome.visible_text(), sellers.b.markers)
    assert not harness.leaked(outcome.visible_text(), sellers.a.markers)


class LeakyJobState(rx.State):
    """Handlers that forget whose data it is: they trust the seller id the browser sends,
    or look a job up in every schema."""

    message: str = ""

    @rx.event
    def show_job(self, seller_id: int, job_id: int) -> None:
        with tenant_session(seller_id) as tenant:
            job = tenant.get(Job, job_id)
            self.message = job.message if job else ""

    @rx.event
    def cancel_job(self, job_id: int) -> None:
        for schema in list_tenant_schemas_now():
            with tenant_session(int(schema.removeprefix("user_"))) as tenant:
                for job in tenant.exec(select(Job).where(Job.id == job_id)):
                    job.status = JobStatus.cancelled.value
                    tenant.add(job)

    @rx.event
    def explode(self, job_id: int) -> None:
        raise RuntimeError(f"no job {job_id}")


def list_tenant_schemas_now() -> list[str]:
    with db_session() as db:
        return list_tenant_schemas(db.connection())


def _leaky(name: str) -> HandlerRef:
    return HandlerRef(state=LeakyJobState, name=name, handler=LeakyJobState.event_handlers[name])


def test_test_states_are_not_counted_as_stoflow_handlers(handlers: list[HandlerRef]) -> None:
    assert not [ref for ref in handlers if ref.state is LeakyJobState]
    assert {ref.name for ref in harness.handlers_of([LeakyJobState], package="tests")} == {
        "show_job",
        "cancel_job",
        "explode",
    }


def test_checker_reports_a_handler_that_shows_another_sellers_row(sellers: Sellers) -> None:
    report = harness.check_handler(_leaky("show_job"), victim=sellers.a, intruder=sellers.b)

    assert report.ran
    leaks = [f for f in report.findings if f.kind == LEAK]
    assert leaks, "the checker missed a handler showing A's job"
    assert {f.who for f in leaks} == {"as B", "signed out"}


def test_checker_reports_a_handler_that_changes_another_sellers_row(sellers: Sellers) -> None:
    report = harness.check_handler(_leaky("cancel_job"), victim=sellers.a, intruder=sellers.b)

    changed = [f for f in report.findings if f.kind == CHANGE]
    assert changed, "the checker missed a handler changing A's job"
    assert any("tenant.jobs" in f.problem and "'cancelled'" in f.problem for f in changed)


def test_checker_reports_a_handler_that_raises(sellers: Sellers) -> None:
    report = harness.check_handler(_leaky("explode"), victim=sellers.a, intruder=sellers.b)

    assert [f for f in report.findings if f.kind == ERROR and "RuntimeError" in f.problem]
