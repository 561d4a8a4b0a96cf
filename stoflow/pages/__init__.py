"""One module per page; importing this package registers them all."""
