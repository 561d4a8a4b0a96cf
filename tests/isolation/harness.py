"""The machinery of the isolation suite: what to call, how to call it, what to look for.

- `stoflow_handlers()` lists every event handler of every state registered by the app
  (`reflex.state.State` and its substates, as Reflex registers them), keeping those whose
  code is StoFlow's own.
- `run_event()` processes one event as the Reflex server does (its event processor, a
  state manager in memory, the app's middleware), from a browser holding some cookies,
  and records what would reach that browser: deltas, frontend events, the final state.
- `probe_payloads()` builds a handler's arguments from its signature out of A's ids.
- `snapshot()` reads everything of a seller that a handler or route could change.
- `check_handler()` / `check_route()` run one handler / route with every probe, signed in
  as B and signed out, and report leaks, changes and crashes.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import re
import sys
import threading
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from sqlalchemy import select

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


async def _run_event(
    event_name: str,
    payload: dict[str, Any],
    cookies: dict[str, str],
    path: str,
    prelude: str | None = None,
    between: Callable[[], None] | None = None,
) -> EventOutcome:
    outcome = EventOutcome(event_name=event_name, payload=payload)
    token = str(uuid.uuid4())
    router_data = reflex_router_data(cookies, token=token, path=path)
    browser = _Browser()
    manager = StateManagerMemory()

    def record(error: Exception) -> None:
        if all(error is not seen for seen in outcome.errors):
            outcome.errors.append(error)

    registered = RegistrationContext.get().event_handlers.get(event_name)
    if registered is None:
        outcome.errors.append(LookupError(f"{event_name} is not registered with Reflex"))
        return outcome
    processor = BaseStateEventProcessor(middleware=load_app(), backend_exception_handler=record)
    processor.configure(state_manager=manager, event_namespace=browser)  # type: ignore[arg-type]
    try:
        async with processor:
            # The page hydrates first, as a browser does; it sets the router data, so the
            # event itself is not preceded by an implicit rehydrate and on_load chain.
            hydrate = format_event_handler(State.event_handlers["hydrate"])
            first = await processor.enqueue(token, Event(name=hydrate, router_data=dict(router_data)))
            await asyncio.wait_for(first.wait_all(), EVENT_TIMEOUT_S)
            if prelude is not None:  # an earlier event of the same page (e.g. its guard)
                earlier = await processor.enqueue(token, Event(name=prelude, router_data=dict(router_data)))
                await asyncio.wait_for(earlier.wait_all(), EVENT_TIMEOUT_S)
            if between is not None:  # what happens elsewhere while the page stays open
                between()
            browser.updates.clear()
            code = inspect.unwrap(registered.handler.fn).__code__
            with _watch_calls({code}) as seen:
                future = await processor.enqueue(
                    token, Event(name=event_name, payload=payload, router_data=router_data)
                )
                try:
                    await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT_S)
                except TimeoutError:
                    outcome.timed_out = True
                except Exception as error:
                    record(error)
                await processor.join(timeout=EVENT_TIMEOUT_S)
            outcome.ran = code in seen
            outcome.updates = list(browser.updates)
            root = await manager.get_state(BaseStateToken(ident=token, cls=State))
            outcome.state_text = _state_text(root)
    finally:
        await manager.close()
    return outcome


def run_event(
    event_name: str,
    payload: dict[str, Any],
    *,
    cookies: dict[str, str],
    path: str = PAGE,
    prelude: str | None = None,
    between: Callable[[], None] | None = None,
) -> EventOutcome:
    """Process one event from a browser holding `cookies` (empty: signed out); optionally
    after an earlier event `prelude` of the same page, and `between()` run in between."""
    # On a thread of its own: the browser tests' Playwright keeps an event loop running
    # on the main thread for the whole session.
    # Reflex keeps its registrations in context variables: the thread runs in a copy of ours.
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        coroutine = _run_event(event_name, payload, cookies, path, prelude, between)
        return pool.submit(context.run, asyncio.run, coroutine).result()


# --- What a seller has ----------------------------------------------------------------

Snapshot = dict[str, list[dict[str, Any]]]


def snapshot(user_id: int) -> Snapshot:
    """All rows of the seller's tenant tables, its account row, its sessions, its tenant entry."""
    from stoflow.db.engine import db_session
    from stoflow.db.tenancy import tenant_session, tenant_tables
    from stoflow.models import Tenant, User, UserSession

    found: Snapshot = {}
    with tenant_session(user_id) as tenant:
        for table in tenant_tables():
            rows = tenant.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
            found[f"tenant.{table.name}"] = [dict(row) for row in rows]
    with db_session() as db:
        for model, column in ((User, "id"), (UserSession, "user_id"), (Tenant, "user_id")):
            table = model.__table__  # type: ignore[attr-defined]
            query = select(table).where(table.c[column] == user_id).order_by(*table.primary_key.columns)
            found[f"public.{table.name}"] = [dict(row) for row in db.execute(query).mappings().all()]
    return found


def changes(before: Snapshot, after: Snapshot, *, allowed: Iterable[str] = ()) -> list[str]:
    """What differs, as `table[row].column: old -> new`, leaving out `allowed` "table.column"s."""
    allowed = set(allowed)
    found: list[str] = []
    for table in sorted(set(before) | set(after)):
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


# --- Checking handlers ----------------------------------------------------------------


LEAK, CHANGE, ERROR, SIGN_IN = "leak", "change", "error", "sign-in"


@dataclass
class Finding:
    kind: str  # LEAK, CHANGE, ERROR or SIGN_IN
    target: str  # handler label or "METHOD /path"
    who: str  # "as B" or "signed out"
    request: str
    problem: str

    def __str__(self) -> str:
        return f"{self.target} {self.who} with {self.request}: {self.problem}"


@dataclass
class HandlerReport:
    ref: HandlerRef
    runs: int = 0
    ran: bool = False  # the handler's own code was entered at least once
    findings: list[Finding] = field(default_factory=list)


def _describe_error(error: BaseException) -> str:
    return f"raised {type(error).__name__}: {error}"


def check_handler(
    ref: HandlerRef,
    *,
    victim: Seller,
    intruder: Seller,
    expected_errors: tuple[type[BaseException], ...] = (),
    allowed_changes: Iterable[str] = (),
) -> HandlerReport:
    """Run `ref` with each of the victim's ids, signed in as the intruder and signed out."""
    report = HandlerReport(ref=ref)
    for payload in probe_payloads(ref.fn, probes_of(victim)):
        for who, cookies in (("as B", signed_in_cookies(intruder.user_id)), ("signed out", {})):
            before = snapshot(victim.user_id)
            outcome = run_event(ref.event_name, payload, cookies=cookies)
            after = snapshot(victim.user_id)
            report.runs += 1
            report.ran = report.ran or outcome.ran
            request = json.dumps(payload, default=str)
            found = report.findings.append
            for problem in _leaks(outcome.visible_text(), victim=victim, intruder=intruder, sent=request):
                found(Finding(LEAK, ref.label, who, request, problem))
            for change in changes(before, after, allowed=allowed_changes):
                found(Finding(CHANGE, ref.label, who, request, f"changes A's data: {change}"))
            for error in outcome.errors:
                if not isinstance(error, expected_errors):
                    found(Finding(ERROR, ref.label, who, request, _describe_error(error)))
            if outcome.timed_out:
                found(Finding(ERROR, ref.label, who, request, f"did not finish within {EVENT_TIMEOUT_S:.0f}s"))
    return report


def _kind(secret: str, seller: Seller) -> str:
    if secret == seller.email:
        return "e-mail"
    if secret == seller.display_name:
        return "name"
    if secret in seller.session_tokens:
        return "session token"
    return "row marker"


def _leaks(text: str, *, victim: Seller, intruder: Seller, sent: str) -> list[str]:
    """What of the victim's, or of any other seller the suite made, `text` shows the intruder."""
    found = []
    for seller in [victim, *(s for s in KNOWN_SELLERS if s.user_id not in (victim.user_id, intruder.user_id))]:
        owner = "A" if seller is victim else f"seller {seller.user_id}"
        found.extend(f"shows {owner}'s {_kind(s, seller)} {s!r}" for s in leaked(text, seller.secrets, sent=sent))
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
    allowed_changes: Iterable[str] = (),
    allowed_statuses: Iterable[int] = (),
) -> RouteReport:
    """Call `ref` with each of the victim's ids, signed in as the intruder and signed out."""
    from tests.isolation.conftest import who_is_signed_in

    report = RouteReport(ref=ref)
    endpoint = inspect.unwrap(ref.dependant.call) if ref.dependant.call else None
    codes = {endpoint.__code__} if endpoint is not None and hasattr(endpoint, "__code__") else set()
    for request in route_requests(ref, probes_of(victim)):
        for who, cookies in (("as B", signed_in_cookies(intruder.user_id)), ("signed out", {})):
            before = snapshot(victim.user_id)
            client = api_client(api, cookies)  # no `with`: the app's lifespan is not under test
            try:
                with _watch_calls(codes) as seen:
                    response = client.request(request.method, request.path, params=request.params, json=request.body)
                report.ran = report.ran or bool(seen)
                # What the browser holds afterwards: what it sent, updated by what was set.
                jar = {**cookies, **{cookie.name: cookie.value for cookie in response.cookies.jar if cookie.value}}
            finally:
                client.close()
            after = snapshot(victim.user_id)
            report.runs += 1
            found = report.findings.append
            sent = str(request)
            if response.status_code >= 500 and response.status_code not in allowed_statuses:
                found(Finding(ERROR, ref.label, who, sent, f"answered {response.status_code}: {response.text[:200]}"))
            shown = response.text + "\n" + json.dumps(dict(response.headers.multi_items()))
            for problem in _leaks(shown, victim=victim, intruder=intruder, sent=sent):
                found(Finding(LEAK, ref.label, who, sent, problem))
            if who_is_signed_in(jar) == victim.user_id:
                found(Finding(SIGN_IN, ref.label, who, sent, "signs the browser in as A"))
            for change in changes(before, after, allowed=allowed_changes):
                found(Finding(CHANGE, ref.label, who, sent, f"changes A's data: {change}"))
    return report
