"""The development launcher behind `make run`, `make dev`, `make test` and `make services`."""
