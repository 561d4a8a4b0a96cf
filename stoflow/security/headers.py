"""Security headers on every HTTP answer: the pages, /api, /_upload and error answers.

`with_security_headers` wraps the whole backend ASGI app (it is the last `api_transformer`
of `rx.App`), so it sees everything `reflex run --env prod --single-port` serves: the
compiled pages (Reflex's static mount), Reflex's `/_upload`, and the /api routes, their
error answers included. Websockets pass through untouched.

The Content-Security-Policy allows scripts from this origin only, plus the inline scripts
of the page being served, by hash: the production build inlines React Router's hydration
context and the theme script. The hashes are taken from the HTML as it goes out, and only
those that are also inline scripts of the compiled build (`.web/build/client/**.html`,
read again when the build is replaced) are allowed: no hash list has to follow the
build, and an inline script that is not the build's own is never allowed, whatever
answer carries it. `'unsafe-eval'` stays because Reflex runs the code
of `rx.call_script` (sent by the server) with `eval`. Styles may be inline (Emotion and
Radix style at run time). `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for old
browsers) keeps every page out of other sites' frames.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import reflex as rx
from reflex.utils import prerequisites
from reflex_base import constants
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stoflow.config import get_settings

log = logging.getLogger(__name__)

CSP = "Content-Security-Policy"
HSTS_VALUE = "max-age=63072000; includeSubDomains"  # two years, production (https) only
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)


def content_security_policy(*, public_url: str, production: bool, script_hashes: tuple[str, ...] = ()) -> str:
    """The policy of a page whose inline scripts have these SHA-256 hashes (base64)."""
    site = urlsplit(public_url)
    websocket = f"{'wss' if site.scheme == 'https' else 'ws'}://{site.netloc}"
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self' 'unsafe-eval'", *(f"'sha256-{digest}'" for digest in script_hashes)]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",  # signed /api/media links, upload previews
        "font-src 'self' data:",
        f"connect-src 'self' {websocket}",  # Reflex's websocket, /api, /_upload
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if production:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """SHA-256 (base64) of each distinct inline script of a page, in order of appearance."""
    digests = (base64.b64encode(hashlib.sha256(body).digest()).decode() for body in _INLINE_SCRIPT.findall(html))
    return tuple(dict.fromkeys(digests))


class BuildScripts:
    """The hashes of every inline script of the compiled pages under `pages_dir`.

    Read on first use and again when the folder is replaced (a new build); empty while
    there is no build (`make dev` serves its pages from Vite).
    """

    def __init__(self, pages_dir: Path) -> None:
        self.pages_dir = pages_dir
        self._stamp: tuple[int, int] | None = None
        self._hashes: frozenset[str] = frozenset()

    def hashes(self) -> frozenset[str]:
        try:
            info = self.pages_dir.stat()
        except OSError:
            return frozenset()
        stamp = (info.st_ino, info.st_mtime_ns)
        if stamp != self._stamp:
            self._hashes = frozenset(
                digest for page in self.pages_dir.rglob("*.html") for digest in inline_script_hashes(page.read_bytes())
            )
            self._stamp = stamp
        return self._hashes


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp, *, public_url: str, production: bool, pages_dir: Path) -> None:
        self.app = app
        self.build_scripts = BuildScripts(pages_dir)
        self.public_url = public_url
        self.production = production
        self.common = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            **({"Strict-Transport-Security": HSTS_VALUE} if production else {}),
        }

    def policy(self, script_hashes: tuple[str, ...] = ()) -> str:
        return content_security_policy(
            public_url=self.public_url, production=self.production, script_hashes=script_hashes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None  # the start of an HTML answer, sent once its body is known
        body = bytearray()

        async def send_with_headers(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.common.items():
                    headers.setdefault(name, value)
                if message["status"] == 304:
                    # No policy: the browser keeps the one stored with the page (and its hashes).
                    await send(message)
                elif CSP in headers:  # a route's own, stricter policy (signed media links)
                    if "frame-ancestors" not in headers[CSP]:
                        headers[CSP] = f"{headers[CSP]}; frame-ancestors 'none'"
                    await send(message)
                elif headers.get("content-type", "").startswith("text/html"):
                    held = message
                else:
                    headers[CSP] = self.policy()
                    await send(message)
                return
            if held is None:
                await send(message)
                return
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await self._send_page(held, bytes(body), send)
                held = None
                await send({**message, "body": bytes(body)})
            elif message["type"] == "http.response.pathsend":  # granian sends files by path
                await self._send_page(held, Path(message["path"]).read_bytes(), send)
                held = None
                await send(message)
            else:
                await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send_page(self, start: Message, content: bytes, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        encoding = headers.get("content-encoding", "identity").lower()
        if encoding == "gzip":
            content = gzip.decompress(content)
        elif encoding != "identity":
            # rxconfig keeps Reflex's default (gzip only); anything else would need a decoder here.
            log.warning("Cannot read inline scripts of a %s page: the page gets no script hashes", encoding)
            content = b""
        found = inline_script_hashes(content)
        allowed = self.build_scripts.hashes()
        if any(digest not in allowed for digest in found):
            log.warning("An HTML answer carries inline scripts that are not the build's: they will not run")
        headers[CSP] = self.policy(tuple(digest for digest in found if digest in allowed))
        await send(start)


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """`api_transformer` for `rx.App`: the whole backend behind `SecurityHeaders`."""
    settings = get_settings()
    # Where Reflex's frontend mount serves the compiled pages from (reflex.utils.exec.get_frontend_mount).
    config = rx.config.get_config()
    pages_dir = (prerequisites.get_web_dir() / constants.Dirs.STATIC / config.frontend_path.strip("/")).resolve()
    return SecurityHeaders(app, public_url=settings.public_url, production=settings.is_production, pages_dir=pages_dir)
