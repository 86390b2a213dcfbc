"""The command line: errors become one line on stderr, ``Error: <what> — <fix>``,
with exit 1 for bad data or unknown names, 2 for usage errors. No traceback
unless ``KETACALC_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ketacalc.cli import share  # noqa: F401 - registers chart and report
from ketacalc.cli.app import app
from ketacalc.cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, describe
from ketacalc.errors import KetacalcError, OutputClosed

__all__ = ["app", "main", "run"]


def _error(message: str, code: int) -> int:
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code. Errors become one line on stderr."""
    import typer
    from typer._click import exceptions as click_exc  # Typer vendors Click; never import click itself
    from typer.main import get_command

    command = get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=args, prog_name="ketacalc", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except KetacalcError as exc:
        if os.environ.get("KETACALC_DEBUG"):
            raise
        return _error(describe(exc), exc.exit_code)
    except click_exc.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message() + "\n")
        return 0
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "ketacalc"
        message = " ".join(exc.format_message().replace("Value error, ", "").split())
        return _error(f"{message} — see '{where} --help'", EXIT_USAGE)
    except click_exc.ClickException as exc:
        return _error(" ".join(exc.format_message().split()), exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _error("interrupted", EXIT_INTERRUPTED)
    except (OutputClosed, BrokenPipeError):
        _quiet_stdout()
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for KETACALC_DEBUG=1
        if os.environ.get("KETACALC_DEBUG"):
            raise
        return _error(
            f"internal error ({type(exc).__name__}: {exc}) — rerun with KETACALC_DEBUG=1 and report it",
            EXIT_INTERNAL,
        )


def _quiet_stdout() -> None:
    """After a closed pipe (``| head -1``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:  # pragma: no cover - console-script shim
    raise SystemExit(main())
