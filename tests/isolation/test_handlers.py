"""Signed in as seller B, as support staff, and signed out, every StoFlow event handler,
called with seller A's ids, and every page, opened with A's ids in its URL, show nothing of
A's (text, numbers, ids) and change nothing of A's (tenant rows, public rows, files).

The handlers and pages are read from the app (every state Reflex registered, every page
it registers), not listed here: a new one is checked the day it is written, or this suite
fails until it is listed in NOT_EXERCISED with the reason. Each handler runs on its page,
opened first with the prober's own ids (its own product in the editor, its gallery, its
AI panel), so it gets past its first guards. See harness.py for how an event is processed.
"""

from __future__ import annotations

import pytest
import reflex as rx
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlmodel import select

from stoflow.db.engine import db_session
from stoflow.db.tenancy import list_tenant_schemas, tenant_session
from stoflow.models import AiUsage, Job, JobStatus
from stoflow.models.tenant.products import Product, ProductPhoto
from stoflow.state.session import SessionState
from stoflow.storage import get_storage
from tests.isolation import harness
from tests.isolation.conftest import Sellers, signed_in_cookies
from tests.isolation.harness import CHANGE, ERROR, LEAK, Finding, HandlerRef, HandlerReport, PageRef

# "State.handler" -> why the sweep does not run it. Every entry needs a reason a reviewer
# would accept; "takes no id" is not one (such handlers still run, signed in as B).
NOT_EXERCISED: dict[str, str] = {}

# "State.handler" -> ("table.column"s or "table"s that may change, why). Only side effects
# of a refusal, by design.
REFUSED_STAFF_WRITE = "a refused staff write is audited (security.permission_denied) with its target, A"
EXPECTED_CHANGES: dict[str, tuple[frozenset[str], str]] = {
    f"UsersState.{name}": (frozenset({"public.audit_log"}), REFUSED_STAFF_WRITE)
    for name in ("change_role", "deactivate", "lock", "reactivate", "save_role", "unlock", "verify")
}

# Exceptions a handler may raise as a clean refusal (the app turns them into a message).
CLEAN_REFUSALS: tuple[type[BaseException], ...] = ()


@pytest.fixture(scope="module")
def handlers() -> list[HandlerRef]:
    return harness.stoflow_handlers()


@pytest.fixture(scope="module")
def sweep(sellers: Sellers, handlers: list[HandlerRef]) -> dict[str, HandlerReport]:
    """Every handler, every probe, as B, as support and signed out: run once for the module."""
    return {
        ref.label: harness.check_handler(
            ref,
            victim=sellers.a,
            intruder=sellers.b,
            support=sellers.support,
            expected_errors=CLEAN_REFUSALS,
            allowed_changes=EXPECTED_CHANGES.get(ref.label, (frozenset(), ""))[0],
        )
        for ref in handlers
        if ref.label not in NOT_EXERCISED
    }


@pytest.fixture(scope="module")
def pages() -> tuple[PageRef, ...]:
    return harness.app_pages()


@pytest.fixture(scope="module")
def page_sweep(sellers: Sellers, pages: tuple[PageRef, ...]) -> dict[str, HandlerReport]:
    """Every page opened with A's ids in its URL, by each prober, after its own."""
    return {
        page.route: harness.check_page(
            page, victim=sellers.a, intruder=sellers.b, support=sellers.support, expected_errors=CLEAN_REFUSALS
        )
        for page in pages
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
    stale = sorted((set(NOT_EXERCISED) | set(EXPECTED_CHANGES)) - {ref.label for ref in handlers})
    assert not stale, f"NOT_EXERCISED / EXPECTED_CHANGES list handlers that no longer exist: {stale}"


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


def test_handlers_of_the_editor_run_on_the_probers_own_product(handlers: list[HandlerRef]) -> None:
    # The gallery's and the AI panel's handlers are sent from the editor of a product, and
    # the sweep opens it with the prober's own product first (so they pass "save first").
    editor = next(page for page in harness.app_pages() if page.route == "/products/[product_id]")
    for label in ("ProductPhotosState.delete", "ProductAiState.use_template", "ProductEditorState.move_to"):
        assert harness.home_page(_handler(handlers, label)) == editor, label
    assert {"product_id"} == set(editor.args)
    assert any(name.endswith("product_photos_state.load") for name in editor.on_mount)
    assert any(name.endswith("product_ai_state.refresh") for name in editor.on_mount)


def test_every_public_table_says_whose_rows_it_holds() -> None:
    unattributed = harness.unattributed_tables()
    assert not unattributed, (
        f"tables whose rows the snapshot cannot tie to a seller: {unattributed}; give them a user-id or e-mail "
        "column or a foreign key to a seller's row, or list their schema in harness.SHARED_SCHEMAS with the reason"
    )
    snapshot = harness.snapshot_tables()
    assert {"public.ai_usage", "public.audit_log", "public.email_tokens", "public.mail_outbox"} <= snapshot


def test_a_public_table_that_cannot_say_whose_rows_it_holds_fails_the_suite() -> None:
    metadata = MetaData()
    notes = Table(
        "staff_notes", metadata, Column("id", Integer, primary_key=True), Column("text", String), schema="public"
    )
    owned = Table(
        "seller_notes", metadata, Column("id", Integer, primary_key=True), Column("user_id", Integer), schema="public"
    )

    assert harness.unattributed_tables([notes, owned]) == ["public.staff_notes"]


# --- The pages ------------------------------------------------------------------------


def test_the_app_registers_its_pages_with_their_arguments(pages: tuple[PageRef, ...]) -> None:
    routes = {page.route: page for page in pages}
    assert "/dashboard" in routes and routes["/products/[product_id]"].args == ["product_id"]
    assert all(page.on_load for page in pages), [page.route for page in pages if not page.on_load]


def test_every_page_is_opened_with_seller_a_ids_and_its_on_load_runs(
    pages: tuple[PageRef, ...], page_sweep: dict[str, HandlerReport], sellers: Sellers
) -> None:
    never_ran = [route for route, report in page_sweep.items() if not report.ran]
    assert not never_ran, f"pages whose own on_load never ran: {never_ran}"
    editor = next(page for page in pages if page.route == "/products/[product_id]")
    opened = {visit.path for visit in harness.page_probes(editor, sellers.a)}
    assert all(f"/products/{product.id}" in opened for product in sellers.a.rows["products"])


def test_no_page_shows_seller_a_data_for_a_ids_in_its_url(page_sweep: dict[str, HandlerReport]) -> None:
    leaks = _findings(page_sweep, LEAK)
    assert not leaks, "A's data reached another browser:\n" + _report(leaks)


def test_no_page_changes_seller_a_data_for_a_ids_in_its_url(page_sweep: dict[str, HandlerReport]) -> None:
    changed = _findings(page_sweep, CHANGE)
    assert not changed, "A's data changed:\n" + _report(changed)


def test_no_page_crashes_on_seller_a_ids_in_its_url(page_sweep: dict[str, HandlerReport]) -> None:
    errors = _findings(page_sweep, ERROR)
    assert not errors, "pages failed (a refusal must be a message, not an exception):\n" + _report(errors)


# --- Support ----------------------------------------------------------------------------


def test_support_reads_the_users_list_but_no_sellers_catalogue(handlers: list[HandlerRef], sellers: Sellers) -> None:
    """Support may see who has an account (address, name: the users list); never what a
    seller sells, notes, photographs or prices, nor a seller's links and sessions."""
    support = signed_in_cookies(sellers.support.user_id)
    users = next(page for page in harness.app_pages() if page.route == "/admin/users")
    products = next(page for page in harness.app_pages() if page.route == "/products")

    listed = harness.run_event(None, {}, cookies=support, visits=[users.url({})])
    catalogue = harness.run_event(None, {}, cookies=support, visits=[products.url({})])

    assert listed.ran and sellers.a.email in listed.visible_text()
    for outcome in (listed, catalogue):
        text = outcome.visible_text()
        assert not harness.leaked(text, [*sellers.a.markers, *sellers.a.session_tokens])
        assert not harness.leaked_numbers(text, sellers.a.numbers)


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

    @rx.event
    def show_price(self, product_id: int) -> None:
        """Shows only a number: a price found in whichever schema has the product."""
        self.message = ""
        for schema in list_tenant_schemas_now():
            with tenant_session(int(schema.removeprefix("user_"))) as tenant:
                if (product := tenant.get(Product, product_id)) is not None:
                    self.message = f"{product.price}"

    @rx.event
    def grant_credit(self, user_id: int) -> None:
        """Writes a row of the public tables for whatever user id it is sent."""
        with db_session() as db:
            db.add(AiUsage(user_id=user_id, feature="write_listing", model="leaky", outcome="ok"))

    @rx.event
    def drop_file(self, seller_id: int) -> None:
        """Writes a file under whatever seller's prefix it is sent."""
        get_storage().put(f"u{seller_id}/leaky/full.jpg", b"leaky", "image/jpeg")


class LeakyEditorState(rx.State):
    """A page whose on_load trusts the product id of the URL, and a handler that only acts
    once the page holds a product (as the gallery does), then trusts the photo id sent."""

    title: str = ""
    product_id: int = 0
    photo_key: str = ""

    async def _seller(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    @rx.event
    def open_any(self) -> None:
        raw = str(self.router.page.params.get("product_id", ""))
        for schema in list_tenant_schemas_now():
            with tenant_session(int(schema.removeprefix("user_"))) as tenant:
                if raw.isdigit() and (product := tenant.get(Product, int(raw))) is not None:
                    self.title = product.title

    @rx.event
    async def open_own(self) -> None:
        self.product_id = 0
        raw = str(self.router.page.params.get("product_id", ""))
        seller = await self._seller()
        if seller is not None and raw.isdigit():
            with tenant_session(seller) as tenant:
                self.product_id = int(raw) if tenant.get(Product, int(raw)) is not None else 0

    @rx.event
    async def show_photo(self, photo_id: int) -> None:
        if not self.product_id or await self._seller() is None:
            return  # "save the product first": a fresh state never gets further
        for schema in list_tenant_schemas_now():
            with tenant_session(int(schema.removeprefix("user_"))) as tenant:
                if (photo := tenant.get(ProductPhoto, photo_id)) is not None:
                    self.photo_key = photo.full_key


def _leaky_page(*on_load: str, uses: frozenset[str] = frozenset()) -> PageRef:
    return PageRef(route="/test-leaks/[product_id]", on_load=on_load, on_mount=(), uses=uses, query_names=())


def _event(state: type[rx.State], name: str) -> str:
    return HandlerRef(state=state, name=name, handler=state.event_handlers[name]).event_name


class LeakyStaffState(rx.State):
    """A staff handler that checks the role, then shows any seller's product notes."""

    notes: str = ""

    @rx.event
    async def inspect(self, seller_id: int, product_id: int) -> None:
        identity = (await self.get_state(SessionState))._identity()
        if identity is None or not identity.is_staff:
            return
        with tenant_session(seller_id) as tenant:
            product = tenant.get(Product, product_id)
            self.notes = product.notes if product else ""


def list_tenant_schemas_now() -> list[str]:
    with db_session() as db:
        return list_tenant_schemas(db.connection())


def _leaky(name: str) -> HandlerRef:
    return HandlerRef(state=LeakyJobState, name=name, handler=LeakyJobState.event_handlers[name])


def test_test_states_are_not_counted_as_stoflow_handlers(handlers: list[HandlerRef]) -> None:
    assert not [ref for ref in handlers if ref.state in (LeakyJobState, LeakyEditorState, LeakyStaffState)]
    assert {ref.name for ref in harness.handlers_of([LeakyJobState], package="tests")} == {
        "show_job",
        "cancel_job",
        "explode",
        "show_price",
        "grant_credit",
        "drop_file",
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


def test_checker_reports_a_handler_that_shows_only_a_number_of_another_seller(sellers: Sellers) -> None:
    report = harness.check_handler(_leaky("show_price"), victim=sellers.a, intruder=sellers.b)

    leaks = [f for f in report.findings if f.kind == LEAK]
    prices = {str(product.price) for product in sellers.a.rows["products"]}
    assert any(f"number {price}" in f.problem for f in leaks for price in prices), "missed A's price"


def test_checker_reports_a_handler_that_writes_a_public_row_of_another_seller(sellers: Sellers) -> None:
    report = harness.check_handler(_leaky("grant_credit"), victim=sellers.a, intruder=sellers.b)

    assert [f for f in report.findings if f.kind == CHANGE and "public.ai_usage" in f.problem]


def test_checker_reports_a_handler_that_writes_a_file_under_another_sellers_prefix(sellers: Sellers) -> None:
    try:
        report = harness.check_handler(_leaky("drop_file"), victim=sellers.a, intruder=sellers.b)
    finally:
        get_storage().delete(f"u{sellers.a.user_id}/leaky/full.jpg")

    assert [f for f in report.findings if f.kind == CHANGE and f.problem.startswith("changes A's data: storage")]


def test_checker_reports_a_page_whose_on_load_trusts_the_id_in_its_url(sellers: Sellers) -> None:
    page = _leaky_page(_event(LeakyEditorState, "open_any"))

    report = harness.check_page(page, victim=sellers.a, intruder=sellers.b)

    assert report.ran
    leaks = [f for f in report.findings if f.kind == LEAK and "row marker" in f.problem]
    assert leaks, "the checker missed a page showing A's product from its URL"
    assert {f.who for f in leaks} == {"as B", "signed out"}
    assert all(f.request.startswith("/test-leaks/") for f in leaks)


def test_checker_primes_the_page_so_a_handler_behind_its_guard_is_reached(sellers: Sellers) -> None:
    show_photo = HandlerRef(
        state=LeakyEditorState, name="show_photo", handler=LeakyEditorState.event_handlers["show_photo"]
    )
    page = _leaky_page(_event(LeakyEditorState, "open_own"), uses=frozenset({show_photo.event_name}))

    fresh = harness.run_event(show_photo.event_name, {"photo_id": 1}, cookies=signed_in_cookies(sellers.b.user_id))
    report = harness.check_handler(show_photo, victim=sellers.a, intruder=sellers.b, page=page)

    assert fresh.ran and not harness.leaked(fresh.visible_text(), sellers.a.markers)  # stopped at its guard
    leaks = [f for f in report.findings if f.kind == LEAK]
    assert leaks, "the handler was never reached past its guard"
    assert {f.who for f in leaks} == {"as B"}  # signed out, the page holds no product of its own
    assert all(f" on /test-leaks/{sellers.b.rows['products'][0].id}" in f.request for f in leaks)


def test_checker_tries_support_and_reports_what_support_may_not_see(sellers: Sellers) -> None:
    ref = HandlerRef(state=LeakyStaffState, name="inspect", handler=LeakyStaffState.event_handlers["inspect"])

    report = harness.check_handler(ref, victim=sellers.a, intruder=sellers.b, support=sellers.support)

    leaks = [f for f in report.findings if f.kind == LEAK]
    assert leaks and {f.who for f in leaks} == {"as support"}


def test_support_may_see_addresses_and_names_and_nothing_else(sellers: Sellers) -> None:
    text = f"{sellers.a.email} {sellers.a.display_name}"
    support = harness.Prober("as support", sellers.support, may_see=frozenset(harness.SUPPORT_MAY_SEE))

    assert not harness._leaks(text, victim=sellers.a, intruder=sellers.support, sent="", may_see=support.may_see)
    assert harness._leaks(text, victim=sellers.a, intruder=sellers.b, sent="")
    notes = sellers.a.rows["products"][0].notes
    assert harness._leaks(notes, victim=sellers.a, intruder=sellers.support, sent="", may_see=support.may_see)


@pytest.mark.parametrize("shown", ["{price}", '"{price}"', "{price}0000", "{comma}", "{spaced}"])
def test_numbers_are_found_as_any_language_writes_them(sellers: Sellers, shown: str) -> None:
    price = sellers.a.rows["products"][0].price
    whole, cents = str(price).split(".")
    text = shown.format(price=price, comma=f"{whole},{cents}", spaced=f"{whole[:-3]}\u202f{whole[-3:]},{cents} €")

    assert harness.leaked_numbers(text, [price]) == [str(price)]
    assert not harness.leaked_numbers(f"9{whole}.{cents}1", [price])
