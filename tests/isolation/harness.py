"""The machinery of the isolation suite: what to call, how to call it, what to look for.

- `stoflow_handlers()` lists every event handler of every state registered by the app
  (`reflex.state.State` and its substates, as Reflex registers them), keeping those whose
  code is StoFlow's own.
- `app_pages()` lists every page the app registers: its route and dynamic arguments, the
  query parameters its code reads, its on_load chain, the on_mount events of its
  components and the handlers its components call (found in the rendered page).
- `run_event()` processes one event as the Reflex server does (its event processor, a
  state manager in memory, the app's middleware), from a browser holding some cookies,
  after the page visits that prime it, and records what would reach that browser:
  deltas, frontend events, the final state.
- `probe_payloads()` builds a handler's arguments from its signature out of A's ids.
- `snapshot()` reads everything of a seller that a handler or route could change: its
  tenant tables, its rows of every public table, its files in the storage backend.
- `check_handler()` / `check_page()` / `check_route()` run one handler / page / route with
  every probe, for each prober (B, support, signed out), and report leaks (text, numbers,
  ids), changes and crashes.
- `unlisted_routes()` finds every route of the app that is not an /api `APIRoute`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import inspect
import json
import re
import sys
import threading
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import CodeType, FrameType, NoneType, UnionType
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State, StateUpdate
from reflex_base.event import Event, EventHandler
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.registry import RegistrationContext
from reflex_base.utils.format import format_event_handler
from sqlalchemy import Column, String, Table, false, or_, select
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Host, Mount

from tests.isolation.conftest import KNOWN_SELLERS, Seller, api_client, reflex_router_data, signed_in_cookies

APP_PACKAGE = "stoflow"
PAGE = "/dashboard"  # the page the events come from (only `next=` of redirects depends on it)
EVENT_TIMEOUT_S = 30.0


def load_app() -> Any:
    """The Reflex app, with every page (and so every state) imported and registered."""
    from stoflow.stoflow import app

    return app


# --- Enumeration ----------------------------------------------------------------------


def app_states(root: type[BaseState] = State) -> list[type[BaseState]]:
    """Every state class of the tree under `root`, as Reflex registered them."""
    found: list[type[BaseState]] = []
    stack = [root]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.get_substates())
    return sorted(found, key=lambda cls: cls.get_full_name())


@dataclass(frozen=True)
class HandlerRef:
    state: type[BaseState]
    name: str
    handler: EventHandler

    @property
    def label(self) -> str:
        return f"{self.state.__name__}.{self.name}"

    @property
    def event_name(self) -> str:
        return format_event_handler(self.handler)

    @property
    def fn(self) -> Callable[..., Any]:
        return inspect.unwrap(self.handler.fn)


def is_app_code(fn: Callable[..., Any], package: str = APP_PACKAGE) -> bool:
    module = getattr(inspect.unwrap(fn), "__module__", "") or ""
    return module == package or module.startswith(f"{package}.")


def handlers_of(states: Iterable[type[BaseState]], package: str = APP_PACKAGE) -> list[HandlerRef]:
    """The event handlers of `states` whose code belongs to `package` (Reflex's own are left out)."""
    refs = [
        HandlerRef(state=state, name=name, handler=handler)
        for state in states
        for name, handler in state.event_handlers.items()
        if is_app_code(handler.fn, package)
    ]
    return sorted(refs, key=lambda ref: ref.event_name)


def stoflow_handlers() -> list[HandlerRef]:
    load_app()
    return handlers_of(app_states())


def is_registered(ref: HandlerRef) -> bool:
    """Whether the event processor would find this handler by its event name."""
    return ref.event_name in RegistrationContext.get().event_handlers


# --- Pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRef:
    route: str  # as registered: "/products/[product_id]"
    on_load: tuple[str, ...]  # event names of its on_load chain (the guard first)
    on_mount: tuple[str, ...]  # event names its components send when they appear
    uses: frozenset[str]  # event names its components can send (clicks, forms, mounts)
    query_names: tuple[str, ...]  # query parameters the code of its on_load reads

    @property
    def args(self) -> list[str]:
        """Its dynamic route arguments: `product_id` of `/products/[product_id]`."""
        return re.findall(r"\[\[?(?:\.\.\.)?([^\]]+)\]\]?", self.route)

    def url(self, values: dict[str, int | str]) -> Visit | None:
        """This page with `values` for its arguments and query parameters (None when an
        argument has no value)."""
        if any(arg not in values for arg in self.args):
            return None
        path = self.route
        for arg in self.args:
            path = re.sub(r"\[\[?(?:\.\.\.)?" + re.escape(arg) + r"\]\]?", str(values[arg]), path)
        search = {name: str(values[name]) for name in self.query_names if name in values}
        return Visit(page=self, path=path, search=search, params={arg: str(values[arg]) for arg in self.args})


@dataclass(frozen=True)
class Visit:
    """A page as a browser opens it: its URL, then its on_load chain and on_mount events."""

    page: PageRef | None
    path: str
    search: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.search.items())
        return f"{self.path}?{query}" if query else self.path


_QUERY_READ = re.compile(r"""(?:query_parameters|params)(?:\.get\(|\[)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_MOUNT_EFFECT = re.compile(r"useEffect\(\(\) => \{(?P<body>.*?)\}, \[\]\);", re.DOTALL)
_EVENT_NAME = re.compile(r'ReflexEvent\("([^"]+)"')


def _event_name(event: Any) -> str:
    handler = getattr(event, "handler", event)  # an EventSpec or the EventHandler itself
    return format_event_handler(handler)


def _query_names(handlers: Iterable[Any]) -> tuple[str, ...]:
    """The query parameters the modules of these handlers read (`query_parameters.get("x")`)."""
    names: list[str] = []
    for handler in handlers:
        module = sys.modules.get(getattr(inspect.unwrap(getattr(handler, "fn", handler)), "__module__", ""))
        if module is not None and is_app_code(getattr(handler, "fn", handler)):
            names.extend(_QUERY_READ.findall(inspect.getsource(module)))
    return tuple(dict.fromkeys(names))


@functools.cache
def app_pages() -> tuple[PageRef, ...]:
    """Every page of the app, as Reflex registers them when it compiles (`rx.page` adds
    them to the app then). Each page's component is evaluated and rendered once, to find
    the events its components send."""
    app = load_app()
    if not app._unevaluated_pages:
        app._apply_decorated_pages()
    names = [ref.event_name for ref in stoflow_handlers()]
    pages = []
    for key, page in app._unevaluated_pages.items():
        component = page.component() if callable(page.component) else page.component
        hooks = "\n".join(component._get_all_hooks())
        rendered = json.dumps(component.render(), default=str) + "\n" + hooks
        mounts = [name for effect in _MOUNT_EFFECT.finditer(hooks) for name in _EVENT_NAME.findall(effect["body"])]
        load = app._load_events.get(key, [])
        pages.append(
            PageRef(
                route="/" if key == "index" else f"/{key.lstrip('/')}",
                on_load=tuple(_event_name(event) for event in load),
                on_mount=tuple(dict.fromkeys(mounts)),
                uses=frozenset(name for name in names if name in rendered),
                query_names=_query_names(getattr(event, "handler", event) for event in load),
            )
        )
    return tuple(sorted(pages, key=lambda page: page.route))


def home_page(ref: HandlerRef) -> PageRef | None:
    """The page a handler is sent from: the first whose on_load chain or components send
    it (the pages with dynamic arguments first: they reach the most)."""
    pages = sorted(app_pages(), key=lambda page: (not page.args, page.route))
    return next((page for page in pages if ref.event_name in page.uses or ref.event_name in page.on_load), None)


def page_values(seller: Seller | None) -> dict[str, int | str]:
    """What a prober fills its own pages with: the id of one of its own rows for each
    `*_id` (its product for `product_id`); nothing for a prober with no rows."""
    if seller is None:
        return {}
    values: dict[str, int | str] = {}
    for probe in probes_of(seller)[len(seller.probes) :]:
        assert isinstance(probe, dict)
        for key, value in probe.items():
            values.setdefault(key, value)
    return values


def page_probes(page: PageRef, victim: Seller) -> list[Visit]:
    """The page opened with the victim's ids: each named set of them (a row of A's), then
    each id alone in every argument and query parameter."""
    if not page.args and not page.query_names:
        return [visit] if (visit := page.url({})) else []
    visits: dict[str, Visit] = {}
    for probe in probes_of(victim):
        values = probe if isinstance(probe, dict) else dict.fromkeys([*page.args, *page.query_names], probe)
        if (visit := page.url(values)) is not None and (visit.params or visit.search):
            visits.setdefault(str(visit), visit)
    return list(visits.values())


# --- Arguments from A's ids -----------------------------------------------------------


Probe = int | str | dict[str, int | str]


def _id_key(table_name: str) -> str:
    return f"{table_name.removesuffix('s')}_id"  # jobs -> job_id, job_attempts -> job_attempt_id


def id_keys() -> list[str]:
    """Keys a form or a dict payload might carry an id under: common ones, and every
    `id` / `*_id` column of the tenant tables (so new tables add theirs)."""
    from stoflow.db.tenancy import tenant_tables

    keys = ["id", "user_id", "seller_id", "tenant_id", "email", "session_id", "schema"]
    for table in tenant_tables():
        keys.append(_id_key(table.name))
        keys.extend(column.name for column in table.columns if column.name == "id" or column.name.endswith("_id"))
    return list(dict.fromkeys(keys))


def probes_of(seller: Seller) -> list[Probe]:
    """What the intruder sends: each of the seller's ids alone (for every parameter at once),
    then named sets of them, one per row of the seller's (`job_id` = that job, `user_id` =
    the seller, ...), for handlers and routes that take several ids or a form."""
    named_base: dict[str, int | str] = {
        "id": seller.user_id,
        "user_id": seller.user_id,
        "seller_id": seller.user_id,
        "tenant_id": seller.user_id,
        "schema": f"user_{seller.user_id}",
    }
    if seller.session_ids:
        named_base["session_id"] = seller.session_ids[0]
    named: list[Probe] = [named_base]
    for table_name, rows in seller.rows.items():
        for row in rows:
            ids = {key: value for key, value in row.model_dump().items() if key.endswith("_id") and value is not None}
            named.append({**named_base, **ids, "id": row.id, _id_key(table_name): row.id})
    return [*seller.probes, *named]


_NO_FIT = object()


def _fit_scalar(probe: int | str, hint: Any) -> Any:
    """`probe` as a value of type `hint`, or _NO_FIT when no such value carries it."""
    if hint in (inspect.Parameter.empty, Any, object):
        return probe
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _fit_scalar(probe, typing.get_args(hint)[0])
    if origin in (typing.Union, UnionType):
        for member in typing.get_args(hint):
            if member is not NoneType and (value := _fit_scalar(probe, member)) is not _NO_FIT:
                return value
        return _NO_FIT
    if origin is typing.Literal or hint is bool:
        return _NO_FIT
    if hint is int:
        if isinstance(probe, int):
            return probe
        return int(probe) if probe.isdigit() else _NO_FIT
    if hint is float:
        return float(probe) if isinstance(probe, int) or probe.isdigit() else _NO_FIT
    if hint is str:
        return str(probe)
    if _is_mapping(hint):
        return _fit_map(dict.fromkeys(id_keys(), probe), hint)
    if hint in (list, tuple, set) or origin in (list, tuple, set, typing.Sequence):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        inner = _fit_scalar(probe, args[0] if args else Any)
        return _NO_FIT if inner is _NO_FIT else [inner]
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        return _fit_map(dict.fromkeys(hint.model_fields, probe), hint)
    return _NO_FIT


def _is_mapping(hint: Any) -> bool:
    return hint is dict or typing.get_origin(hint) in (dict, typing.Mapping, typing.MutableMapping)


def _fit_map(named: dict[str, int | str], hint: Any) -> Any:
    """A dict (form, body model) of the named ids, each fitted to its field's type."""
    if _is_mapping(hint):
        args = typing.get_args(hint)
        value_hint = args[1] if len(args) == 2 else Any
        fitted = {key: _fit_scalar(value, value_hint) for key, value in named.items()}
        return {key: value for key, value in fitted.items() if value is not _NO_FIT}
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        fields = {
            name: _fit_scalar(named[name], info.annotation) for name, info in hint.model_fields.items() if name in named
        }
        return {name: value for name, value in fields.items() if value is not _NO_FIT}
    return _NO_FIT


def _fit(probe: Probe, name: str, hint: Any) -> Any:
    """The value parameter `name: hint` gets from `probe`, or _NO_FIT."""
    if not isinstance(probe, dict):
        return _fit_scalar(probe, hint)
    if _is_mapping(hint) or (inspect.isclass(hint) and issubclass(hint, BaseModel)):
        return _fit_map(probe, hint)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        for member in typing.get_args(hint):
            if member is not NoneType and (value := _fit(probe, name, member)) is not _NO_FIT:
                return value
        return _NO_FIT
    return _fit_scalar(probe[name], hint) if name in probe else _NO_FIT


def _neutral(hint: Any) -> Any:
    """A harmless value for a parameter no probe fits: the empty value of its type."""
    hint = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    if hint is bool:
        return False
    if typing.get_origin(hint) is typing.Literal:
        return typing.get_args(hint)[0]
    value = _fit_scalar(0, hint)
    return None if value is _NO_FIT else type(value)()


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # unresolvable annotations: send probes as they are
        return {}


def probe_payloads(fn: Callable[..., Any], probes: Iterable[Probe]) -> list[dict[str, Any]]:
    """One payload per probe that some parameter of `fn` can carry (just `{}` for no parameters)."""
    parameters = [
        p
        for p in list(inspect.signature(fn).parameters.values())[1:]  # after `self`
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    if not parameters:
        return [{}]
    hints = _hints(fn)
    payloads: dict[str, dict[str, Any]] = {}
    for probe in probes:
        fitted = {p.name: _fit(probe, p.name, hints.get(p.name, p.annotation)) for p in parameters}
        if all(value is _NO_FIT for value in fitted.values()):
            continue
        payload = {}
        for p in parameters:
            value = fitted[p.name]
            if value is not _NO_FIT:
                payload[p.name] = value
            elif p.default is inspect.Parameter.empty:
                payload[p.name] = _neutral(hints.get(p.name, p.annotation))
        payloads[json.dumps(payload, sort_keys=True, default=str)] = payload
    if not payloads:  # no id fits (a flag, a choice): still run it, with empty values
        neutral = {
            p.name: _neutral(hints.get(p.name, p.annotation))
            for p in parameters
            if p.default is inspect.Parameter.empty
        }
        return [neutral]
    return list(payloads.values())


# --- Running one event as the Reflex server does --------------------------------------


class _Browser:
    """Stands for the Socket.IO namespace: records what the server sends to the page."""

    def __init__(self) -> None:
        self.updates: list[StateUpdate] = []

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        self.updates.append(update)


@contextmanager
def _watch_calls(codes: set[CodeType]) -> Iterator[set[CodeType]]:
    """Which of `codes` were entered meanwhile (proof a handler's body actually ran), in
    this thread and in threads started meanwhile (where sync routes run)."""
    seen: set[CodeType] = set()
    previous, previous_threads = sys.getprofile(), threading.getprofile()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in codes:
            seen.add(frame.f_code)

    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(previous)
        threading.setprofile(previous_threads)  # type: ignore[arg-type]


@dataclass
class EventOutcome:
    event_name: str
    payload: dict[str, Any]
    updates: list[StateUpdate] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    state_text: str = ""
    ran: bool = False
    timed_out: bool = False

    @property
    def frontend_events(self) -> list[Event]:
        return [event for update in self.updates for event in update.events]

    def redirects(self) -> list[str]:
        return [str(event.payload.get("path")) for event in self.frontend_events if event.name == "_redirect"]

    def visible_text(self) -> str:
        """Everything the browser received, and the state the server keeps for it."""
        sent = [{"delta": update.delta, "events": [vars(e) for e in update.events]} for update in self.updates]
        return json.dumps(sent, default=repr, ensure_ascii=False) + "\n" + self.state_text


def _state_text(root: BaseState) -> str:
    """The whole state tree: what `dict()` sends to the browser, and the backend vars."""
    parts = [json.dumps(root.dict(), default=repr, ensure_ascii=False)]
    stack = [root]
    while stack:
        state = stack.pop()
        parts.append(repr({k: v for k, v in vars(state).items() if k not in ("parent_state", "substates")}))
        stack.extend(state.substates.values())
    return "\n".join(parts)


def _router_data(cookies: dict[str, str], token: str, visit: Visit | None) -> dict[str, Any]:
    if visit is None:
        return reflex_router_data(cookies, token=token, path=PAGE)
    return reflex_router_data(cookies, token=token, path=visit.path, search=visit.search, params=visit.params)


def _code(event_name: str) -> CodeType | None:
    registered = RegistrationContext.get().event_handlers.get(event_name)
    return inspect.unwrap(registered.handler.fn).__code__ if registered is not None else None


async def _open(processor: BaseStateEventProcessor, token: str, cookies: dict[str, str], visit: Visit | None) -> None:
    """Open a page as a browser does: hydrate, then its on_load chain (guard first, as
    Reflex's `on_load_internal` queues it from the app's routes), then the on_mount events
    of its components. The chain is sent from `visit.page`, so a test page runs too."""
    router_data = _router_data(cookies, token, visit)
    names = [format_event_handler(State.event_handlers["hydrate"])]
    if visit is not None and visit.page is not None:
        names.extend(visit.page.on_load)
        names.extend(visit.page.on_mount)
    for name in names:
        future = await processor.enqueue(token, Event(name=name, router_data=dict(router_data)))
        await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT_S)


async def _run_events(
    event_name: str | None,
    payloads: Sequence[dict[str, Any]],
    cookies: dict[str, str],
    visits: Sequence[Visit | None],
    observe: Callable[[EventOutcome], None],
    prelude: str | None = None,
    between: Callable[[], None] | None = None,
) -> None:
    """`visits` are opened in turn (the last is the page the events come from), then each
    payload is sent in turn on that page, as on a page left open, and `observe` gets what
    each one did. With no `event_name`, what is run and observed is the last visit itself
    (its on_load chain)."""
    token = str(uuid.uuid4())
    browser = _Browser()
    manager = StateManagerMemory()
    outcome = EventOutcome(event_name=event_name or f"open {visits[-1]}", payload={})

    def record(error: Exception) -> None:
        if all(error is not seen for seen in outcome.errors):
            outcome.errors.append(error)

    last = visits[-1]
    if event_name is not None:
        codes = {code} if (code := _code(event_name)) is not None else set()
        if not codes:
            for payload in payloads:
                error = LookupError(f"{event_name} is not registered with Reflex")
                observe(EventOutcome(event_name=event_name, payload=payload, errors=[error]))
            return
    else:
        assert last is not None and last.page is not None and last.page.on_load
        # The page's own on_load is the last of its chain (app_page puts the guard first).
        codes = {code} if (code := _code(last.page.on_load[-1])) is not None else set()
    processor = BaseStateEventProcessor(middleware=load_app(), backend_exception_handler=record)
    processor.configure(state_manager=manager, event_namespace=browser)  # type: ignore[arg-type]
    try:
        async with processor:
            # The pages open first, as in a browser; each sets the router data, so the events
            # are not preceded by an implicit rehydrate and on_load chain.
            for visit in visits[:-1] if event_name is None else visits:
                await _open(processor, token, cookies, visit)
            router_data = _router_data(cookies, token, last)
            if prelude is not None:  # an earlier event of the same page (e.g. its guard)
                earlier = await processor.enqueue(token, Event(name=prelude, router_data=dict(router_data)))
                await asyncio.wait_for(earlier.wait_all(), EVENT_TIMEOUT_S)
            if between is not None:  # what happens elsewhere while the page stays open
                between()
            for payload in payloads:
                # What priming (or the previous payload) raised is not this payload's doing.
                outcome = EventOutcome(event_name=outcome.event_name, payload=payload)
                browser.updates.clear()
                with _watch_calls(codes) as seen:
                    try:
                        if event_name is None:
                            await asyncio.wait_for(_open(processor, token, cookies, last), EVENT_TIMEOUT_S)
                        else:
                            future = await processor.enqueue(
                                token, Event(name=event_name, payload=payload, router_data=router_data)
                            )
                            await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT_S)
                    except TimeoutError:
                        outcome.timed_out = True
                    except Exception as error:
                        record(error)
                    await processor.join(timeout=EVENT_TIMEOUT_S)
                outcome.ran = bool(codes & seen)
                outcome.updates = list(browser.updates)
                root = await manager.get_state(BaseStateToken(ident=token, cls=State))
                outcome.state_text = _state_text(root)
                observe(outcome)
    finally:
        await manager.close()


def run_events(
    event_name: str | None,
    payloads: Sequence[dict[str, Any]],
    *,
    cookies: dict[str, str],
    observe: Callable[[EventOutcome], None],
    visits: Sequence[Visit | None] = (None,),
    prelude: str | None = None,
    between: Callable[[], None] | None = None,
) -> None:
    """Send each payload of `event_name` in turn from one browser holding `cookies` (empty:
    signed out), on the last of `visits` after opening each (None: /dashboard, hydrated
    only); `observe` gets each outcome as it comes. Optionally after an earlier event
    `prelude` of the same page, and `between()` run in between. With no `event_name`, the
    last visit is what is run and observed."""
    # On a thread of its own: the browser tests' Playwright keeps an event loop running
    # on the main thread for the whole session.
    # Reflex keeps its registrations in context variables: the thread runs in a copy of ours.
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        coroutine = _run_events(event_name, payloads, cookies, visits, observe, prelude, between)
        pool.submit(context.run, asyncio.run, coroutine).result()


def run_event(
    event_name: str | None,
    payload: dict[str, Any],
    *,
    cookies: dict[str, str],
    visits: Sequence[Visit | None] = (None,),
    prelude: str | None = None,
    between: Callable[[], None] | None = None,
) -> EventOutcome:
    """One event on a page of its own (see `run_events`)."""
    outcomes: list[EventOutcome] = []
    run_events(
        event_name, [payload], cookies=cookies, observe=outcomes.append, visits=visits, prelude=prelude, between=between
    )
    return outcomes[0]


# --- What a seller has ----------------------------------------------------------------

Snapshot = dict[str, list[dict[str, Any]]]

# Schemas whose tables hold no seller's rows, with the reason.
SHARED_SCHEMAS: dict[str, str] = {
    "product_attributes": "reference data (categories, brands, sizes...) shared by every seller, seeded from CSVs",
}


def _users_table() -> Table:
    from stoflow.models import User

    return User.__table__  # type: ignore[attr-defined,no-any-return]


def shared_tables() -> list[Table]:
    """Every table that is not a tenant table: `public` and the reference schemas."""
    from sqlmodel import SQLModel

    return [table for table in SQLModel.metadata.sorted_tables if table.schema is not None]


def _is_owner_column(column: Column[Any]) -> bool:
    """A column holding a user id: a foreign key to users.id, or named `user_id` / `*_user_id`
    (the audit log keeps ids without foreign keys, so history outlives the account)."""
    users = _users_table()
    return any(fk.column is users.c.id for fk in column.foreign_keys) or (
        column.name == "user_id" or column.name.endswith("_user_id")
    )


def _is_address_column(column: Column[Any]) -> bool:
    """A column holding an e-mail address (`email`, `actor_email`, the outbox's `to_address`)."""
    text = isinstance(column.type, String) or isinstance(getattr(column.type, "impl", None), String)  # AutoString
    return text and ("email" in column.name or column.name.endswith("_address"))


def owner_clause(table: Table, seller: Seller, *, depth: int = 0) -> Any | None:
    """Which rows of a public table are the seller's: its id in a user-id column, its
    address in an e-mail column, or a foreign key to a row of the seller's in another
    table (a retired refresh token of one of its sessions). None: the table cannot say."""
    users = _users_table()
    clauses: list[Any] = []
    if table is users:
        clauses.append(table.c.id == seller.user_id)
    for column in table.columns:
        if _is_owner_column(column):
            clauses.append(column == seller.user_id)
        elif _is_address_column(column):
            clauses.append(column == seller.email)
        for fk in column.foreign_keys:
            parent = fk.column.table
            parent_clause = (
                owner_clause(parent, seller, depth=depth + 1)
                if parent is not users and parent is not table and depth < 3
                else None
            )
            if parent_clause is not None:
                clauses.append(column.in_(select(fk.column).where(parent_clause)))
    return or_(*clauses) if clauses else None


def unattributed_tables(tables: Iterable[Table] | None = None) -> list[str]:
    """Shared tables whose rows cannot be told to be a seller's (and whose schema is not
    listed in SHARED_SCHEMAS): the snapshot would miss them."""
    probe = Seller(user_id=1, email="probe@example.com", display_name="")
    return [
        table.fullname
        for table in (shared_tables() if tables is None else tables)
        if table.schema not in SHARED_SCHEMAS and owner_clause(table, probe) is None
    ]


def stored_files(seller: Seller) -> dict[str, str]:
    """The seller's files in the storage backend (under its prefix): key -> SHA-256."""
    from stoflow.storage import get_storage

    storage = get_storage()
    return {key: hashlib.sha256(storage.get(key)).hexdigest() for key in storage.list(seller.storage_prefix)}


def _row_queries(seller: Seller) -> list[tuple[str, Any]]:
    """(name, query) of every table of the seller's: its tenant tables (all rows, read in its
    schema), its rows of every public table."""
    from stoflow.db.tenancy import tenant_tables

    queries = [(f"tenant.{table.name}", select(table)) for table in tenant_tables()]
    for table in shared_tables():
        if table.schema not in SHARED_SCHEMAS:
            clause = owner_clause(table, seller)
            queries.append(
                (f"{table.schema}.{table.name}", select(table).where(clause if clause is not None else false()))
            )
    return queries


def snapshot_tables() -> set[str]:
    """The names of the tables a snapshot reads (besides `storage`)."""
    return {name for name, _ in _row_queries(Seller(user_id=1, email="probe@example.com", display_name=""))}


def snapshot(seller: Seller) -> Snapshot:
    """Everything of the seller's: all rows of its tenant tables, its rows of every public
    table (found from the metadata, so a new table is covered), its stored files."""
    from stoflow.db.tenancy import tenant_session

    found: Snapshot = {}
    with tenant_session(seller.user_id) as tenant:
        for name, query in _row_queries(seller):
            table = query.get_final_froms()[0]
            rows = tenant.execute(query.order_by(*table.primary_key.columns)).mappings().all()
            found[name] = [dict(row) for row in rows]
    found["storage"] = [{"key": key, "sha256": digest} for key, digest in stored_files(seller).items()]
    return found


def fingerprint(seller: Seller) -> str:
    """A digest of `snapshot(seller)`, in one query: what tells a change cheaply."""
    from sqlalchemy import func, literal, literal_column, union_all
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    from stoflow.db.tenancy import tenant_session

    row = literal_column("r::text")
    parts = [
        select(
            literal(name), func.md5(func.coalesce(func.string_agg(row, aggregate_order_by(literal("|"), row)), ""))
        ).select_from(query.subquery("r"))
        for name, query in _row_queries(seller)
    ]
    with tenant_session(seller.user_id) as tenant:
        digests = tenant.execute(union_all(*parts)).all()
    return hashlib.sha256(repr((sorted(digests), stored_files(seller))).encode()).hexdigest()


class VictimWatch:
    """What changed of the victim's since the last look: a fingerprint first, the full
    snapshot (to say what changed) only when it differs."""

    def __init__(self, victim: Seller) -> None:
        self.victim = victim
        self.before = snapshot(victim)
        self.digest = fingerprint(victim)

    def changes(self, allowed: Iterable[str] = ()) -> list[str]:
        digest = fingerprint(self.victim)
        if digest == self.digest:
            return []
        after = snapshot(self.victim)
        found = changes(self.before, after, allowed=allowed)
        self.before, self.digest = after, digest
        return found


def changes(before: Snapshot, after: Snapshot, *, allowed: Iterable[str] = ()) -> list[str]:
    """What differs, as `table[row].column: old -> new`, leaving out `allowed` "table.column"s
    and "table"s (rows added there by design: an audited refusal)."""
    allowed = set(allowed)
    found: list[str] = []
    for table in sorted(set(before) | set(after)):
        if table in allowed:
            continue
        old_rows, new_rows = before.get(table, []), after.get(table, [])
        if len(old_rows) != len(new_rows):
            found.append(f"{table}: {len(old_rows)} rows -> {len(new_rows)}")
            continue
        for index, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
            for column in sorted(set(old) | set(new)):
                if f"{table}.{column}" not in allowed and old.get(column) != new.get(column):
                    found.append(f"{table}[{index}].{column}: {old.get(column)!r} -> {new.get(column)!r}")
    return found


def leaked(text: str, secrets: Iterable[str], *, sent: str = "") -> list[str]:
    """The secrets found in `text`, apart from those the caller sent itself."""
    return sorted({s for s in secrets if s and s in text and s not in sent})


_SEPARATOR = "[ ,.'\u00a0\u202f]?"  # thousands, as any language writes them


@functools.cache
def number_pattern(value: Decimal | int) -> re.Pattern[str]:
    """How a number may be shown: 4711.37, "4711.37", 4 711,37, 4,711.37, 4711.370000."""
    whole, _, cents = str(abs(value)).partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    pattern = _SEPARATOR.join(groups)
    if cents:
        pattern += "[.,]" + cents.rstrip("0") + "0*" if cents.rstrip("0") else "(?:[.,]0*)?"
    return re.compile(rf"(?<![0-9A-Za-z]){pattern}(?![0-9A-Za-z])")


def leaked_numbers(text: str, numbers: Iterable[Decimal | int], *, sent: str = "") -> list[str]:
    """The numbers found in `text` (in any usual spelling), apart from those sent."""
    numbers = list(numbers)
    if not numbers or not _any_number(tuple(numbers)).search(text):
        return []  # one pass over the text in the usual case
    return sorted({str(n) for n in numbers if number_pattern(n).search(text) and not number_pattern(n).search(sent)})


@functools.cache
def _any_number(numbers: tuple[Decimal | int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{number_pattern(n).pattern})" for n in numbers))


_NUMBERS: dict[int, tuple[Decimal | int, ...]] = {}


def victim_numbers(seller: Seller) -> tuple[Decimal | int, ...]:
    """The seller's numeric markers, read once (its rows do not change during the suite)."""
    if seller.user_id not in _NUMBERS:
        _NUMBERS[seller.user_id] = tuple(seller.numbers)
    return _NUMBERS[seller.user_id]


# --- Who probes -----------------------------------------------------------------------


# What support, read-only staff, may see of any seller by design, and why. Nothing else:
# not a seller's products, notes, photos, prices, ids, e-mail links or sessions.
SUPPORT_MAY_SEE: dict[str, str] = {
    "e-mail": "the users list, the audit log and its filters show every account's address",
    "name": "the users list shows every account's display name",
}


@dataclass(frozen=True)
class Prober:
    """A browser trying the victim's ids: a seller, support staff, or nobody (signed out)."""

    who: str  # "as B", "as support", "signed out"
    seller: Seller | None = None  # whom it is signed in as
    may_see: frozenset[str] = frozenset()  # kinds of the victim's secrets it may see by design

    def cookies(self) -> dict[str, str]:
        return signed_in_cookies(self.seller.user_id) if self.seller is not None else {}


def probers(intruder: Seller, support: Seller | None = None) -> list[Prober]:
    """Seller B, support (when given), and a signed-out browser."""
    found = [Prober("as B", intruder)]
    if support is not None:
        found.append(Prober("as support", support, may_see=frozenset(SUPPORT_MAY_SEE)))
    return [*found, Prober("signed out")]


# --- Checking handlers and pages -------------------------------------------------------


LEAK, CHANGE, ERROR, SIGN_IN = "leak", "change", "error", "sign-in"


@dataclass
class Finding:
    kind: str  # LEAK, CHANGE, ERROR or SIGN_IN
    target: str  # handler label, "open /route" or "METHOD /path"
    who: str  # "as B", "as support" or "signed out"
    request: str
    problem: str

    def __str__(self) -> str:
        return f"{self.target} {self.who} with {self.request}: {self.problem}"


@dataclass
class HandlerReport:
    ref: HandlerRef | PageRef
    runs: int = 0
    ran: bool = False  # the handler's own code was entered at least once
    findings: list[Finding] = field(default_factory=list)


def _describe_error(error: BaseException) -> str:
    return f"raised {type(error).__name__}: {error}"


def _check_outcome(
    report: HandlerReport,
    outcome: EventOutcome,
    *,
    label: str,
    who: Prober,
    request: str,
    sent: str | None = None,
    changed: list[str],
    victim: Seller,
    intruder: Seller,
    expected_errors: tuple[type[BaseException], ...],
    allowed_changes: Iterable[str] = (),
) -> None:
    report.runs += 1
    report.ran = report.ran or outcome.ran
    found = report.findings.append
    shown = _leaks(
        outcome.visible_text(),
        victim=victim,
        intruder=who.seller or intruder,
        sent=request if sent is None else sent,
        may_see=who.may_see,
    )
    for problem in shown:
        found(Finding(LEAK, label, who.who, request, problem))
    for change in changed:
        found(Finding(CHANGE, label, who.who, request, f"changes A's data: {change}"))
    for error in outcome.errors:
        if not isinstance(error, expected_errors):
            found(Finding(ERROR, label, who.who, request, _describe_error(error)))
    if outcome.timed_out:
        found(Finding(ERROR, label, who.who, request, f"did not finish within {EVENT_TIMEOUT_S:.0f}s"))


@dataclass
class _Observer:
    """Checks each outcome of one prober's page: what it shows, what it changed (from the
    previous outcome's snapshot on), what it raised."""

    report: HandlerReport
    label: str
    prober: Prober
    where: str
    victim: Seller
    intruder: Seller
    expected_errors: tuple[type[BaseException], ...]
    allowed_changes: Iterable[str]
    sent: list[str] = field(default_factory=list)  # the state keeps what earlier payloads echoed
    watch: VictimWatch | None = None

    def __post_init__(self) -> None:
        self.watch = VictimWatch(self.victim)

    def __call__(self, outcome: EventOutcome) -> None:
        assert self.watch is not None
        self.sent.append(json.dumps(outcome.payload, default=str))
        _check_outcome(
            self.report,
            outcome,
            label=self.label,
            who=self.prober,
            request=self.sent[-1] + self.where,
            sent="\n".join(self.sent) + self.where,
            changed=self.watch.changes(self.allowed_changes),  # since the previous payload
            victim=self.victim,
            intruder=self.intruder,
            expected_errors=self.expected_errors,
        )


def check_handler(
    ref: HandlerRef,
    *,
    victim: Seller,
    intruder: Seller,
    support: Seller | None = None,
    page: PageRef | None = None,
    expected_errors: tuple[type[BaseException], ...] = (),
    allowed_changes: Iterable[str] = (),
) -> HandlerReport:
    """Run `ref` with each of the victim's ids, for each prober (B, support, signed out).

    The prober first opens the handler's page (`page`, default: the page whose components
    send it) with its own ids, so the state holds its own product, gallery, AI panel and
    the handler passes its first guards; then the handler gets the victim's ids, one
    payload after another on that open page (as an attacker would send them)."""
    report = HandlerReport(ref=ref)
    page = page if page is not None else home_page(ref)
    payloads = probe_payloads(ref.fn, probes_of(victim))
    for prober in probers(intruder, support):
        # A prober with rows of its own opens the page with them; one without (support,
        # signed out) has nothing to prime it with, and sends the events as it can.
        own = page_values(prober.seller) if prober.seller is not None and prober.seller.rows else None
        visit = page.url(own) if page is not None and own is not None else None
        where = f" on {visit}" if visit is not None else ""
        observe = _Observer(report, ref.label, prober, where, victim, intruder, expected_errors, allowed_changes)
        run_events(ref.event_name, payloads, cookies=prober.cookies(), observe=observe, visits=[visit])
    return report


def check_page(
    page: PageRef,
    *,
    victim: Seller,
    intruder: Seller,
    support: Seller | None = None,
    expected_errors: tuple[type[BaseException], ...] = (),
    allowed_changes: Iterable[str] = (),
) -> HandlerReport:
    """Open `page` with the victim's ids in its URL (route arguments and query parameters),
    for each prober, after opening it with the prober's own ids (its own product loaded
    first, as when a seller goes from one product to the next)."""
    report = HandlerReport(ref=page)
    watch = VictimWatch(victim)
    for visit in page_probes(page, victim):
        for prober in probers(intruder, support):
            own = page.url(page_values(prober.seller)) if page.args or page.query_names else None
            outcome = run_event(None, {}, cookies=prober.cookies(), visits=[own, visit] if own else [visit])
            _check_outcome(
                report,
                outcome,
                label=f"open {page.route}",
                who=prober,
                request=str(visit),
                changed=watch.changes(allowed_changes),
                victim=victim,
                intruder=intruder,
                expected_errors=expected_errors,
            )
    return report


def _kind(secret: str, seller: Seller) -> str:
    if secret == seller.email:
        return "e-mail"
    if secret == seller.display_name:
        return "name"
    if secret in seller.session_tokens:
        return "session token"
    return "row marker"


def _leaks(text: str, *, victim: Seller, intruder: Seller, sent: str, may_see: Iterable[str] = ()) -> list[str]:
    """What of the victim's, or of any other seller the suite made, `text` shows the
    intruder: its markers, e-mail, name, session tokens, and its numbers (prices, sizes,
    ids of its rows), apart from the kinds `may_see` and what was sent."""
    may_see = set(may_see)
    found = []
    for seller in [victim, *(s for s in KNOWN_SELLERS if s.user_id not in (victim.user_id, intruder.user_id))]:
        owner = "A" if seller is victim else f"seller {seller.user_id}"
        for secret in leaked(text, seller.secrets, sent=sent):
            if (kind := _kind(secret, seller)) not in may_see:
                found.append(f"shows {owner}'s {kind} {secret!r}")
        if seller is victim:  # numbers: the victim's (its ids and odd values; others' ids are small)
            found.extend(f"shows {owner}'s number {n}" for n in leaked_numbers(text, victim_numbers(seller), sent=sent))
    return found


# --- Checking /api routes -------------------------------------------------------------


@dataclass(frozen=True)
class RouteRef:
    method: str
    path: str
    dependant: Dependant

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def api_apps(app: Any) -> list[FastAPI]:
    """The FastAPI apps the Reflex app mounts (its `api_transformer`s)."""
    transformers = app.api_transformer
    if transformers is None:
        return []
    if not isinstance(transformers, list | tuple):
        transformers = [transformers]
    return [t for t in transformers if isinstance(t, FastAPI)]


def api_routes(api: FastAPI) -> list[RouteRef]:
    """Every HTTP route of `api`, with the prefixes of the routers it includes."""
    refs = [
        RouteRef(method=method, path=context.path, dependant=context.dependant)
        for context in iter_route_contexts(api.routes)
        if isinstance(context.original_route, APIRoute)
        for method in sorted(context.methods or ())
    ]
    return sorted(refs, key=lambda ref: (ref.path, ref.method))


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    params: dict[str, Any]
    body: dict[str, Any] | None

    def __str__(self) -> str:
        parts = [f"{self.method} {self.path}"]
        if self.params:
            parts.append(f"?{json.dumps(self.params, default=str)}")
        if self.body is not None:
            parts.append(json.dumps(self.body, default=str))
        return " ".join(parts)


@dataclass
class _Inputs:
    path_params: list[Any] = field(default_factory=list)
    query_params: list[Any] = field(default_factory=list)
    body_params: list[Any] = field(default_factory=list)


def _inputs(dependant: Dependant) -> _Inputs:
    """The route's path, query and body parameters, its dependencies' included."""
    found = _Inputs()
    stack = [dependant]
    while stack:
        current = stack.pop()
        found.path_params.extend(current.path_params)
        found.query_params.extend(current.query_params)
        found.body_params.extend(current.body_params)
        stack.extend(current.dependencies)
    return found


def _takes_input(dependant: Dependant) -> bool:
    flat = _inputs(dependant)
    return bool(flat.path_params or flat.query_params or flat.body_params)


def route_requests(ref: RouteRef, probes: Iterable[Probe]) -> list[ApiRequest]:
    """One request per probe that the route's path, query or body can carry."""
    flat = _inputs(ref.dependant)
    if not _takes_input(ref.dependant):
        return [ApiRequest(ref.method, ref.path, {}, None)]
    requests: dict[str, ApiRequest] = {}
    for probe in probes:
        path = ref.path
        path_values = {param.name: _fit(probe, param.name, param.field_info.annotation) for param in flat.path_params}
        if any(value is _NO_FIT for value in path_values.values()):
            continue
        for name, value in path_values.items():
            path = re.sub(r"\{" + re.escape(name) + r"(:[^}]*)?\}", str(value), path)
        params = {
            param.alias: value
            for param in flat.query_params
            if (value := _fit(probe, param.name, param.field_info.annotation)) is not _NO_FIT
        }
        body: dict[str, Any] | None = None
        if flat.body_params:
            if len(flat.body_params) == 1 and not getattr(flat.body_params[0].field_info, "embed", False):
                value = _fit(probe, flat.body_params[0].name, flat.body_params[0].field_info.annotation)
                body = value if isinstance(value, dict) else {}
            else:
                body = {
                    param.alias: value
                    for param in flat.body_params
                    if (value := _fit(probe, param.name, param.field_info.annotation)) is not _NO_FIT
                }
        if not path_values and not params and not body:
            continue
        request = ApiRequest(ref.method, path, params, body)
        requests[str(request)] = request
    if not requests:  # nothing of A's fits its inputs: still call it, with an empty body
        return [ApiRequest(ref.method, ref.path, {}, {} if flat.body_params else None)]
    return list(requests.values())


@dataclass
class RouteReport:
    ref: RouteRef
    runs: int = 0
    ran: bool = False  # the endpoint's own code was entered at least once
    findings: list[Finding] = field(default_factory=list)


def check_route(
    api: FastAPI,
    ref: RouteRef,
    *,
    victim: Seller,
    intruder: Seller,
    support: Seller | None = None,
    allowed_changes: Iterable[str] = (),
    allowed_statuses: Iterable[int] = (),
) -> RouteReport:
    """Call `ref` with each of the victim's ids, for each prober (B, support, signed out)."""
    from tests.isolation.conftest import who_is_signed_in

    report = RouteReport(ref=ref)
    endpoint = inspect.unwrap(ref.dependant.call) if ref.dependant.call else None
    codes = {endpoint.__code__} if endpoint is not None and hasattr(endpoint, "__code__") else set()
    watch = VictimWatch(victim)
    for request in route_requests(ref, probes_of(victim)):
        for prober in probers(intruder, support):
            who, cookies = prober.who, prober.cookies()
            client = api_client(api, cookies)  # no `with`: the app's lifespan is not under test
            try:
                with _watch_calls(codes) as seen:
                    response = client.request(request.method, request.path, params=request.params, json=request.body)
                report.ran = report.ran or bool(seen)
                # What the browser holds afterwards: what it sent, updated by what was set.
                jar = {**cookies, **{cookie.name: cookie.value for cookie in response.cookies.jar if cookie.value}}
            finally:
                client.close()
            report.runs += 1
            found = report.findings.append
            sent = str(request)
            if response.status_code >= 500 and response.status_code not in allowed_statuses:
                found(Finding(ERROR, ref.label, who, sent, f"answered {response.status_code}: {response.text[:200]}"))
            shown = response.text + "\n" + json.dumps(dict(response.headers.multi_items()))
            seen_by = prober.seller or intruder
            for problem in _leaks(shown, victim=victim, intruder=seen_by, sent=sent, may_see=prober.may_see):
                found(Finding(LEAK, ref.label, who, sent, problem))
            if who_is_signed_in(jar) == victim.user_id:
                found(Finding(SIGN_IN, ref.label, who, sent, "signs the browser in as A"))
            for change in watch.changes(allowed_changes):
                found(Finding(CHANGE, ref.label, who, sent, f"changes A's data: {change}"))
    return report


# --- Every route, and those that are not /api APIRoutes -------------------------------


def route_label(route: BaseRoute, path: str) -> str:
    return f"{type(route).__name__} {path or '/'}"


def _walk(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """(label, route) of every route under `routes`, through included routers and into
    mounted apps that have routes of their own."""
    for context in iter_route_contexts(routes):
        route = context.original_route
        path = prefix + (context.path if context.path is not None else getattr(route, "path", ""))
        inner = getattr(route, "routes", None) if isinstance(route, Mount | Host) else None
        if inner:
            yield from _walk(inner, path)
        else:
            yield route_label(route, path), route


def _reflex_endpoints(app: Any) -> None:
    """Add the endpoints Reflex adds when it compiles (`/_upload` when a page uses an upload
    component), as the server has them; its marker file goes to a throwaway folder, not
    to this checkout's .web."""
    import tempfile
    from unittest import mock

    from reflex.utils import prerequisites

    app_pages()  # evaluating the pages tells Reflex whether an upload component is used
    if app._api is None or any(getattr(r, "path", "").endswith("/_upload") for r in app._api.routes):
        return
    with (
        tempfile.TemporaryDirectory() as backend,
        mock.patch.object(prerequisites, "get_backend_dir", lambda: __import__("pathlib").Path(backend)),
    ):
        app._add_optional_endpoints()


def app_routes(apis: Sequence[Any] | None = None) -> list[tuple[str, Any]]:
    """Every route a request can reach: those of the apps the Reflex app mounts (the /api
    app), those of Reflex's own backend (ping, health, the event websocket, uploads), and
    each `api_transformer` that wraps the whole app (an ASGI middleware sees every
    request: it is listed as a route of its own, "Transformer module.name")."""
    app = load_app()
    _reflex_endpoints(app)
    transformers = app.api_transformer if isinstance(app.api_transformer, list | tuple) else [app.api_transformer]
    if apis is None:
        apis = [t for t in transformers if isinstance(t, Starlette)]
        wrappers = [t for t in transformers if t is not None and not isinstance(t, Starlette)]
    else:
        wrappers = [t for t in apis if not isinstance(t, Starlette)]
        apis = [t for t in apis if isinstance(t, Starlette)]
    found: list[tuple[str, Any]] = [pair for api in apis for pair in _walk(api.routes)]
    found.extend((f"Transformer {wrap.__module__}.{wrap.__qualname__}", wrap) for wrap in wrappers)
    if app._api is not None:
        found.extend(_walk(app._api.routes))
    return found


def unlisted_routes(routes: Iterable[tuple[str, Any]], allowed: Iterable[str]) -> list[str]:
    """The routes that the /api sweep does not run (anything but an `APIRoute`: a Starlette
    Route or Mount, a websocket, Reflex's own endpoints, an ASGI wrapper) and that
    `allowed` does not list."""
    allowed = set(allowed)
    return sorted({label for label, route in routes if not isinstance(route, APIRoute) and label not in allowed})
