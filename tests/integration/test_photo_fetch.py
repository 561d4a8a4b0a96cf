"""Fetching a photo from a seller's link, against a local web site: only public addresses,
redirects checked, size capped."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from stoflow.photos import fetch
from stoflow.photos.fetch import FetchError, check_link, fetch_photo
from stoflow.photos.processing import MAX_PHOTO_BYTES
from tests.photo_server import Route, photo_site

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
