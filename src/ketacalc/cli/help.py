"""The examples that end every command's help, and plain placeholders.

Each command's ``--help`` ends with two to four examples that run as shown
(tests/test_hardening.py runs every one on the shipped data). Placeholders
read ``PROVIDER``, ``PATH``: Typer's own ``{PROVIDER}``, ``PROVIDER <str>`` and
``[path]`` are turned off here.
"""

from __future__ import annotations

from typing import Any

#: command -> examples, each a command line that runs as shown
EXAMPLES: dict[str, tuple[str, ...]] = {
    "providers": (
        "ketacalc providers",
        "ketacalc providers --format csv",
        "ketacalc providers --as-of 2025-06-13",
    ),
    "show": ("ketacalc show mindbloom", "ketacalc show 'Better U' --format json"),
    "alternatives": ("ketacalc alternatives", "ketacalc alternatives --format json"),
    "check": ("ketacalc check", "ketacalc --data providers.yaml check"),
    "cost": (
        "ketacalc cost mindbloom --sessions 18",
        "ketacalc cost better-u -n 1-24 --format csv",
        "ketacalc cost innerwell -n 8 --state TX --insurer Aetna",
    ),
    "history": ("ketacalc history mindbloom", "ketacalc history joyous --format csv"),
    "states": ("ketacalc states mindbloom", "ketacalc states innerwell --format json"),
    "eligibility": ("ketacalc eligibility --state TX", "ketacalc eligibility -s 'New York' --format csv"),
    "compare": (
        "ketacalc compare --state TX",
        "ketacalc compare -s CA --sessions 12 --sort total",
        "ketacalc compare -s TX --insurer Aetna --format json",
    ),
    "batch": (
        "ketacalc batch scenarios.jsonl",
        "ketacalc batch scenarios.csv --format csv",
        "ketacalc batch - --full < scenarios.jsonl",
    ),
    "chart": (
        "ketacalc chart --state TX",
        "ketacalc chart -s CA --sessions 1-24 --format csv",
        "ketacalc chart -s TX --months 1-12",
    ),
    "config": ("ketacalc config show", "ketacalc config set state TX", "ketacalc config unset state"),
    "report": (
        "ketacalc report --state TX --output texas.html",
        "ketacalc report -s CA --sessions 12 > california.html",
        "ketacalc report -s TX --months 3 --output texas-3-months.html",
    ),
}


def epilog(name: str) -> str:
    """The examples of one command, as its help's last paragraph (not rewrapped)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])


def add_examples(app: Any) -> None:
    """End every registered command's help with its examples."""
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        if name in EXAMPLES and not info.epilog:
            info.epilog = epilog(name)


def plain_placeholders() -> None:
    """Arguments shown as ``PROVIDER`` and ``[PATH]`` in the usage line: no ``{…}``
    (Typer 0.27 and 0.28, the range pyproject.toml allows) and no ``<str>`` (0.29,
    which imports Pydantic at start-up, so it is left out of the range)."""
    from typer.core import TyperArgument

    if getattr(TyperArgument, "_ketacalc_plain", False):
        return
    if hasattr(TyperArgument, "_usage_display_name"):  # pragma: no cover - Typer 0.29

        def display_type_rich(self: Any, ctx: Any) -> None:
            return None

        def usage_name(self: Any) -> str:
            name = self.display_name_raw
            name = name if self.required else f"[{name}]"
            return name if self.nargs == 1 else name + "..."

        TyperArgument.display_type_rich = display_type_rich  # type: ignore[method-assign]
        TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    else:
        typers_own = TyperArgument.make_metavar

        def make_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
            var = typers_own(self, ctx, usage=usage)
            return var[1:-1] if var.startswith("{") and var.endswith("}") else var

        TyperArgument.make_metavar = make_metavar  # type: ignore[method-assign]
    TyperArgument._ketacalc_plain = True  # type: ignore[attr-defined]
