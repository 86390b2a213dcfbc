"""The data file: its schema, reading, checks, runtime records and cache. Knows nothing of pricing or output."""
