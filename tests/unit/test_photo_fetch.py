"""Photo links are checked before any connection, and names resolving to private addresses are
never connected to (the fetches from a local site are in tests/integration/test_photo_fetch.py)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from stoflow.photos import fetch
from stoflow.photos.fetch import FetchError, check_link, fetch_photo


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://images.example.com/a.jpg", None),
        ("http://images.example.com:8080/a.jpg", None),
        ("ftp://images.example.com/a.jpg", "photo_link_invalid"),
        ("file:///etc/passwd", "photo_link_invalid"),
        ("https://user:secret@images.example.com/a.jpg", "photo_link_invalid"),
        ("https://images.example.com:22/a.jpg", "photo_link_invalid"),
        ("https://images.example.com:99999/a.jpg", "photo_link_invalid"),
        ("https:///a.jpg", "photo_link_invalid"),
        ("http://127.0.0.1/a.jpg", "photo_link_private"),
        ("http://10.1.2.3/a.jpg", "photo_link_private"),
        ("http://192.168.1.1/a.jpg", "photo_link_private"),
        ("http://169.254.169.254/latest/meta-data/", "photo_link_private"),  # cloud metadata
        ("http://[::1]/a.jpg", "photo_link_private"),
        ("http://[::ffff:127.0.0.1]/a.jpg", "photo_link_private"),
        ("http://0.0.0.0/a.jpg", "photo_link_private"),
        ("http://224.0.0.1/a.jpg", "photo_link_private"),
        ("http://8.8.8.8/a.jpg", None),
        ("http://[2606:4700::1111]/a.jpg", None),  # a public IPv6 address
    ],
)
def test_links_are_checked_before_any_connection(url: str, code: str | None) -> None:
    assert check_link(url) == code


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::127.0.0.1",
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
        "::8.8.8.8",  # IPv4-compatible, even of a public address
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:8.8.8.8",
        "::ffff:0:7f00:1",  # IPv4-translated (SIIT)
        "64:ff9b::7f00:1",  # NAT64 well-known prefix
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::8.8.8.8",
        "64:ff9b:1::a00:1",  # NAT64 local-use prefix
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001::1",
        "2606:4700::5efe:7f00:1",  # ISATAP interface identifier of 127.0.0.1
        "2606:4700::200:5efe:a00:1",  # ISATAP, universal bit set
        "fec0::1",  # site-local
        "2001:db8::1",  # documentation
    ],
)
def test_every_ipv6_form_that_embeds_an_ipv4_address_is_refused(address: str) -> None:
    assert check_link(f"http://[{address}]/a.jpg") == "photo_link_private"


def test_a_host_name_resolving_to_an_embedded_ipv4_address_is_refused_at_connect_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name whose only address is NAT64 of 127.0.0.1 is never connected to."""
    attempts: list[str] = []

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::7f00:1", port, 0, 0))]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError) as refused:
        fetch_photo("http://photos.example.com/a.png")
    assert refused.value.code == "photo_link_private"
    assert attempts == ["photos.example.com"]
