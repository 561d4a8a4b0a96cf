"""Shared Reflex states: the signed-in session and the interface language."""
