"""Where `?next=` may lead after signing in: a normalised path of this site, nothing else.

The same list of variants is tried in Chromium by tests/e2e/test_sign_in_protection.py.
"""

from __future__ import annotations

import pytest

from stoflow.pages import routes

# Each of these reaches (or could reach, after a browser's or a proxy's normalisation)
# another site, a script, or a path other than the one written.
OPEN_REDIRECTS = [
    "//evil.example/phish",
    "/.//evil.example/phish",
    "/./evil.example",
    "/../evil.example",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/.%2e/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "///evil.example",
    "https://evil.example/phish",
    "http:/evil.example",
    "//user:pass@evil.example",
    "//localhost:3000@evil.example",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/ｅvil.example",
    "",
]
LOCAL_PATHS = ["/", "/dashboard", "/products?page=2&sort=price", "/products/12#photos", "/@evil.example", "/account/"]


@pytest.mark.parametrize("path", OPEN_REDIRECTS)
def test_paths_that_could_leave_the_site_are_refused(path: str) -> None:
    assert not routes.is_local_path(path)
    assert routes.sign_in(next_path=path) == routes.SIGN_IN  # dropped, never passed on


@pytest.mark.parametrize("path", LOCAL_PATHS)
def test_normalised_paths_of_this_site_are_kept(path: str) -> None:
    assert routes.is_local_path(path)
    assert routes.sign_in(next_path=path).startswith(f"{routes.SIGN_IN}?next=")
