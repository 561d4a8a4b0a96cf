"""Shared reference data: categories, brands, colours, conditions, sizes and the other
attribute lists, with their marketplace ids. `seed` loads the bundled CSV files,
`service` is what the product editor reads."""
