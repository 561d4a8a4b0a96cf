"""Gemini API simulator (generateContent), for development and tests; see `app.py`."""

from sandbox.gemini.app import DEFAULT_API_KEY, create_app

__all__ = ["DEFAULT_API_KEY", "create_app"]
