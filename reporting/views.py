"""Pages of the reporting app."""
