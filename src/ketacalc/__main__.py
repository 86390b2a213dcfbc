"""The entry point: ``python -m ketacalc`` and the ``ketacalc`` console script.

Ctrl-C is answered from the first moment: the handler is set before the command
line's modules are imported (about a tenth of a second), so an interrupt while
they load says ``Error: interrupted`` and exits 130, as it does later, never a
traceback. Only Python's own start-up, before this module runs, is out of reach.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130  # as ketacalc.cli.errors says; not imported, to stay first


class _Interrupted(BaseException):
    """SIGINT before the command line has set its own handler."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Interrupted()


def run() -> int:
    """Run the command line; return its exit code."""
    try:
        try:
            signal.signal(signal.SIGINT, _interrupt)
        except ValueError:  # not the main thread: leave SIGINT as it is
            pass
        from ketacalc.cli import main

        return main()
    except _Interrupted:
        try:
            sys.stderr.write("Error: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(run())
