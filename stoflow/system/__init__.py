"""Platform status: health of the services StoFlow depends on."""
