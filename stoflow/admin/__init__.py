"""Administration: platform overview (users, seller workspaces)."""
