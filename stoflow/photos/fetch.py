"""Downloading a photo from a link a seller gave (CSV import), without becoming a proxy.

A seller's link is untrusted: it could point at the machine StoFlow runs on, the cloud
metadata service or the private network (server-side request forgery). So every
connection, redirects included, goes only to public addresses: the host is resolved at
connect time and the socket is opened to the checked address itself, so a DNS answer
that changes between the check and the connection (rebinding) gains nothing. IPv6
addresses that embed an IPv4 one (IPv4-compatible, mapped, NAT64, 6to4, Teredo, ISATAP)
are refused whatever they embed. Only http
and https on their usual ports, at most 3 redirects, 20 MB, and a deadline per photo.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore

from stoflow.photos.processing import MAX_PHOTO_BYTES

MAX_REDIRECTS = 3
TIMEOUT_S = 15.0  # per photo, every redirect and the whole body included
ALLOWED_PORTS = {None, 80, 443, 8080, 8443}
USER_AGENT = "StoFlow-PhotoImport/1.0 (+https://stoflow.app)"
_REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A photo link that gave no photo; `code` is an i18n key (stoflow.texts.bulk)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def check_link(url: str, *, allow_private: bool = False) -> str | None:
    """Why this link cannot be fetched, without touching the network (None: it may be tried).

    `photo_link_invalid` for anything but a plain http(s) link to a host name or address
    (credentials in the link, other schemes, and ports other than the web's are refused),
    and `photo_link_private` for a literal private or local address. `allow_private`
    (development and tests) accepts local addresses on any port.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "photo_link_invalid"
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return "photo_link_invalid"
    if len(url) > 2048 or (port not in ALLOWED_PORTS and not allow_private):
        return "photo_link_invalid"
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    return None if allow_private or _is_public(address) else "photo_link_private"


# IPv6 ranges that carry an IPv4 address, or reach one through a translator or tunnel:
# the IPv4 inside may be the machine itself or the private network, so nothing in them is
# fetched, whatever it embeds (Python counts several of them as global).
_IPV4_CARRYING = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",  # IPv4-compatible (deprecated), :: and ::1 included
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64, well-known prefix
        "64:ff9b:1::/48",  # NAT64, local use
        "2002::/16",  # 6to4
        "2001::/32",  # Teredo
    )
)
# Other IPv6 ranges Python 3.11 still counts as global but that are not the Internet.
_NOT_PUBLIC_IPV6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "fec0::/10",  # site-local (deprecated, still routed inside some networks)
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
    )
)
# An ISATAP interface identifier (::0:5efe:a.b.c.d, ::200:5efe:a.b.c.d, with either
# universal/group bit) embeds an IPv4 address under any prefix.
_ISATAP_MASK, _ISATAP_ID = 0xFCFF_FFFF, 0x0000_5EFE


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in (*_IPV4_CARRYING, *_NOT_PUBLIC_IPV6)):
            return False
        if (int(address) >> 32) & _ISATAP_MASK == _ISATAP_ID:
            return False
    return address.is_global and not address.is_multicast


class PrivateAddress(Exception):
    """A connection refused because the host is (or resolves to) a non-public address."""


class _PublicOnlyBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to checked public addresses."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
        if not self.allow_private and not all(_is_public(address) for address in addresses):
            raise PrivateAddress(host)
        # Connect to the address just checked: the name is not resolved a second time.
        return super().connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)


def fetch_photo(url: str, *, allow_private: bool = False) -> bytes:
    """The bytes a photo link serves, or FetchError naming why not.

    Codes: photo_link_invalid, photo_link_private, photo_link_unreachable,
    photo_link_status (not a 200 after the redirects), photo_link_too_large.
    `allow_private` is for development and tests only (the PHOTO_FETCH_ALLOW_PRIVATE setting).
    The content itself is checked afterwards like any upload.
    """
    deadline = time.monotonic() + TIMEOUT_S
    with httpcore.ConnectionPool(network_backend=_PublicOnlyBackend(allow_private=allow_private)) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            problem = check_link(url, allow_private=allow_private)
            if problem is not None:
                raise FetchError(problem, url)
            location = _get(pool, url, deadline)
            if isinstance(location, bytes):
                return location
            url = urljoin(url, location)
    raise FetchError("photo_link_status", f"more than {MAX_REDIRECTS} redirects")


def _get(pool: httpcore.ConnectionPool, url: str, deadline: float) -> bytes | str:
    """The body of a 200 answer, or the target of a redirect."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("photo_link_unreachable", "timed out")
    timeouts = {"connect": min(left, 10.0), "read": left, "write": left, "pool": left}
    headers: dict[bytes | str, bytes | str] = {"User-Agent": USER_AGENT, "Accept": "image/*"}
    try:
        with pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response:
            if response.status in _REDIRECTS:
                location = dict((k.lower(), v) for k, v in response.headers).get(b"location")
                if not location:
                    raise FetchError("photo_link_status", f"{response.status} without Location")
                return location.decode("latin-1")
            if response.status != 200:
                raise FetchError("photo_link_status", f"HTTP {response.status}")
            declared = dict((k.lower(), v) for k, v in response.headers).get(b"content-length", b"")
            if declared.isdigit() and int(declared) > MAX_PHOTO_BYTES:
                raise FetchError("photo_link_too_large", f"{declared.decode()} bytes")
            body = bytearray()
            for chunk in response.iter_stream():
                body += chunk
                if len(body) > MAX_PHOTO_BYTES:
                    raise FetchError("photo_link_too_large", "body over 20 MB")
                if time.monotonic() > deadline:
                    raise FetchError("photo_link_unreachable", "timed out")
            return bytes(body)
    except PrivateAddress as refused:
        raise FetchError("photo_link_private", str(refused)) from None
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as error:
        raise FetchError("photo_link_unreachable", f"{type(error).__name__}: {error}") from None
    except httpcore.UnsupportedProtocol as error:
        raise FetchError("photo_link_invalid", str(error)) from None
