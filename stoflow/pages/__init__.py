"""One module per page (registered by stoflow.stoflow), and the routes (routes.py)."""
