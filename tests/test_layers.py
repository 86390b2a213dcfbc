"""The layers are a contract (pyproject.toml's import-linter contracts, run by `lint-imports` in
CI); this adds the one cycle import-linter does not look for: a module importing its own package."""

from __future__ import annotations

import grimp


def test_no_module_imports_a_package_that_contains_it():
    graph = grimp.build_graph("ketacalc")
    offenders = [
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if module.startswith(imported + ".")
    ]
    assert offenders == []
