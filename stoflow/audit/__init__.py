"""The audit log: every security-relevant event and every admin action."""
