"""Database access: engine, shared-schema sessions, tenant sessions and migrations."""
