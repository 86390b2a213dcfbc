"""Text a person types (CLI options, batch lines) turned into typed values; no pricing, no output."""
