"""The seller's catalogue: products, their rules, and the queries of the products page."""
