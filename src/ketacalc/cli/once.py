"""Each option once: ``cost x -n 6 -n 7`` is a usage error, not "the last one wins".

Click keeps the last value of a repeated option silently, even after an invalid
one (``-n x -n 7``). The command group below parses each command's arguments
once more, before Click does, only to count the options given; an option that
is not a list option (``multiple``) given twice is refused (exit 2). Anything
else the arguments hold (an unknown option, a missing value) is left to Click's
own message.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from typer.core import TyperGroup

from ketacalc.errors import UsageProblem


def _check_once(command: Any, ctx: Any, args: list[str]) -> None:
    try:
        parser = command.make_parser(ctx)
        _, _, order = parser.parse_args(args=list(args))
    except Exception:  # noqa: BLE001 - Click says what is wrong when it parses the arguments itself
        return
    counts = Counter(order)
    for param, count in counts.items():
        if count > 1 and not getattr(param, "multiple", False) and not getattr(param, "count", False):
            # a flag and its opposite (--returning / --new) are one option: name both
            opposite = list(getattr(param, "secondary_opts", None) or [])
            opts = [*param.opts, *opposite]
            names = " / ".join(opts) if opts else param.human_readable_name
            where = ctx.command_path or "ketacalc"
            raise UsageProblem(
                f"{names} is given {'twice' if count == 2 else f'{count} times'}",
                f"give {'one of them' if opposite else 'it'} once (see '{where} --help')",
            )


class OnceGroup(TyperGroup):
    """ketacalc's command group: every option of every command at most once."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args:
            _check_once(self, ctx, args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and rest:
            sub = type(ctx)(command, parent=ctx, info_name=name)
            _check_once(command, sub, rest)
        return name, command, rest
