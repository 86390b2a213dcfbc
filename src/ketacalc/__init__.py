"""ketacalc: cost and eligibility calculator for at-home ketamine therapy providers.

The package is split into a pure core (``money``, ``models``, ``loader``,
``catalog``, ``pricing``, ``eligibility``, ``results``) that never prints or
exits, and a thin shell (``cli``, ``render``) that parses arguments and writes
output. Not medical advice: ketacalc prices and filters, it never recommends.
"""

__version__ = "0.1.0"

#: Version of the JSON/CSV output contract, bumped on any incompatible change.
SCHEMA_VERSION = 1
