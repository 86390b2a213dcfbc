"""One report per command: a typed result from the core, seen three ways.

``records()`` gives the JSON contract, ``rows()`` with ``FIELDS`` the CSV/TSV
rows, ``table()`` the table a person reads (drawn from the typed result, never
from the JSON). :func:`ketacalc.output.formats.render` chooses between them.
"""
