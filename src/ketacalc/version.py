"""The package's version and the version of its output contract (base layer: imports nothing)."""

__version__ = "0.2.0"

#: Version of the JSON/CSV output contract, bumped on any incompatible change.
SCHEMA_VERSION = 1
