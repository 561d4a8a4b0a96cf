"""Fetching a photo from a seller's link: only public addresses, redirects checked, size capped."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from stoflow.photos import fetch
from stoflow.photos.fetch import FetchError, check_link, fetch_photo
from stoflow.photos.processing import MAX_PHOTO_BYTES
from tests.photo_server import Route, photo_site

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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


def test_a_local_site_is_refused_unless_development_allows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    with photo_site({"/a.png": Route(body=PNG)}) as site:
        port = int(site.base.rsplit(":", 1)[1])
        with pytest.raises(FetchError) as refused:
            fetch_photo(site.url("/a.png"))
        assert refused.value.code == "photo_link_invalid"  # not a web port

        monkeypatch.setattr(fetch, "ALLOWED_PORTS", {*fetch.ALLOWED_PORTS, port})
        for url in (site.url("/a.png"), f"http://localhost:{port}/a.png"):
            with pytest.raises(FetchError) as refused:
                fetch_photo(url)
            assert refused.value.code == "photo_link_private"
        assert site.requests == []  # refused before any byte was sent

        assert fetch_photo(site.url("/a.png"), allow_private=True) == PNG
        assert site.requests == ["/a.png"]


def test_a_host_name_that_resolves_to_a_private_address_is_refused_at_connect_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name passes the link check, the address it resolves to does not."""
    with photo_site({"/a.png": Route(body=PNG)}) as site:
        port = int(site.base.rsplit(":", 1)[1])
        real = socket.getaddrinfo

        def resolve(host: str, *args: Any, **kwargs: Any) -> Any:
            if host == "photos.example.com":
                return real("127.0.0.1", *args, **kwargs)
            return real(host, *args, **kwargs)

        monkeypatch.setattr(fetch.socket, "getaddrinfo", resolve)
        monkeypatch.setattr(fetch, "ALLOWED_PORTS", {*fetch.ALLOWED_PORTS, port})
        assert check_link(f"http://photos.example.com:{port}/a.png") is None
        with pytest.raises(FetchError) as refused:
            fetch_photo(f"http://photos.example.com:{port}/a.png")
        assert refused.value.code == "photo_link_private"
        assert site.requests == []


def test_redirects_are_followed_and_each_hop_is_checked() -> None:
    with photo_site(
        {
            "/old": Route(status=301, headers={"Location": "/new"}),
            "/new": Route(status=302, headers={"Location": "/a.png"}),
            "/a.png": Route(body=PNG),
            "/loop": Route(status=302, headers={"Location": "/loop"}),
        }
    ) as site:
        assert fetch_photo(site.url("/old"), allow_private=True) == PNG
        with pytest.raises(FetchError) as refused:
            fetch_photo(site.url("/loop"), allow_private=True)
        assert refused.value.code == "photo_link_status"
        assert site.requests.count("/loop") == fetch.MAX_REDIRECTS + 1


def test_a_public_site_cannot_redirect_the_fetch_to_a_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test site plays a public host; its redirect to the cloud metadata service is refused."""
    with photo_site(
        {"/photo.jpg": Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})}
    ) as site:
        port = int(site.base.rsplit(":", 1)[1])
        real_is_public = fetch._is_public
        monkeypatch.setattr(fetch, "ALLOWED_PORTS", {*fetch.ALLOWED_PORTS, port})
        monkeypatch.setattr(fetch, "_is_public", lambda address: str(address) == "127.0.0.1" or real_is_public(address))
        with pytest.raises(FetchError) as refused:
            fetch_photo(site.url("/photo.jpg"))
        assert refused.value.code == "photo_link_private"
        assert site.requests == ["/photo.jpg"]


@pytest.mark.parametrize(
    ("route", "code"),
    [
        (Route(status=404, body=b"gone"), "photo_link_status"),
        (Route(status=500), "photo_link_status"),
        (Route(status=302), "photo_link_status"),  # a redirect to nowhere
        (Route(body=b"x", headers={"Content-Length": str(MAX_PHOTO_BYTES + 1)}), "photo_link_too_large"),
    ],
)
def test_answers_that_are_not_a_photo_are_refused(route: Route, code: str) -> None:
    with photo_site({"/p": route}) as site, pytest.raises(FetchError) as refused:
        fetch_photo(site.url("/p"), allow_private=True)
    assert refused.value.code == code


def test_a_body_longer_than_20_mb_is_cut_off_even_without_a_length() -> None:
    big = b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES
    with photo_site({"/big.jpg": Route(body=big, with_length=False)}) as site, pytest.raises(FetchError) as refused:
        fetch_photo(site.url("/big.jpg"), allow_private=True)
    assert refused.value.code == "photo_link_too_large"


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as refused:
        fetch_photo(f"http://127.0.0.1:{port}/a.jpg", allow_private=True)
    assert refused.value.code == "photo_link_unreachable"
