"""A failing handler shows a generic message: no exception text reaches the browser."""

from __future__ import annotations

import logging

import pytest

from stoflow.components.errors import on_backend_error


def test_the_browser_gets_a_generic_message_and_the_log_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise RuntimeError("password=hunter2 at /srv/stoflow/secret.py line 3")
    except RuntimeError as error:
        with caplog.at_level(logging.ERROR, logger="stoflow.errors"):
            spec = on_backend_error(error)
    # What the page receives: the JavaScript of the toast call.
    shown = " ".join(str(value) for arg in spec.args for value in arg).encode().decode("unicode_escape")
    assert "hunter2" not in shown and "RuntimeError" not in shown and "Traceback" not in shown
    assert "Something went wrong on our side" in shown and "Un problème est survenu" in shown
    assert "hunter2" in caplog.text and "Traceback" in caplog.text
