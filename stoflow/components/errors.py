"""What the browser sees when a handler fails: a polite toast, never the exception.

The traceback goes to the log (with the event's context, by Reflex); the page gets the
same message in French and English, since the handler's state is not at hand here.
"""

from __future__ import annotations

import logging
import traceback

import reflex as rx
from reflex.event import EventSpec

from stoflow.i18n import MESSAGES

log = logging.getLogger("stoflow.errors")


def on_backend_error(exception: Exception) -> EventSpec:
    log.error(
        "Unhandled error in an event handler:\n%s",
        "".join(traceback.format_exception(type(exception), exception, exception.__traceback__)),
    )
    english, french = MESSAGES["internal_error"]
    return rx.toast.error(english, description=french, id="backend_error", position="top-center")
