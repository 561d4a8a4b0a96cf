"""Reusable UI pieces: the app shell, auth forms, empty states."""
