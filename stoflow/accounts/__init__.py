"""Accounts: registration, sign-in, sessions."""
