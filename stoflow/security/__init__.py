"""Abuse protection shared by every process: rate limits (Redis)."""
