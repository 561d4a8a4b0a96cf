"""A seller's background jobs."""
