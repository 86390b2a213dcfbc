"""Files a person names: read only regular files, a bounded number of bytes; write
a page atomically, through a symlink, keeping the file's mode.

A FIFO is never opened for reading in a way that waits for a writer, and a
device (``/dev/zero``, ``/dev/tty``) or a socket is never read: each is refused
with :class:`SpecialFile`, whose ``kind`` says what the path is. Base code: no
printing; the callers turn these exceptions into their own messages.
"""

from __future__ import annotations

import os
import posixpath
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from ketacalc.errors import KetacalcError, shown_path


class SpecialFile(OSError):
    """A path that is not a regular file: ``kind`` is "a FIFO", "a device", "a socket"..."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path} is {kind}")
        self.path = path
        self.kind = kind
        self.strerror = f"is {kind}, not a regular file"


class TooLarge(OSError):
    """A file larger than the caller's limit (``limit`` bytes)."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit} bytes")
        self.limit = limit
        self.strerror = f"is larger than {limit:,} bytes"


def kind(mode: int) -> str:
    """What a file of ``mode`` is, in a message's words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def endless_device(stream: object) -> bool:
    """``stream`` is a device that is not a terminal nor ``/dev/null`` (``/dev/zero``,
    ``/dev/urandom``): read as input, it never ends."""
    try:
        found = os.fstat(stream.fileno())  # type: ignore[attr-defined]
        if not stat.S_ISCHR(found.st_mode) or os.isatty(stream.fileno()):  # type: ignore[attr-defined]
            return False
        return found.st_rdev != os.stat(os.devnull).st_rdev
    except (AttributeError, ValueError, OSError):  # no descriptor (a test's stream): not a device
        return False


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for binary reading, only if it is (a link to) a regular file.

    The file is opened without blocking, so a FIFO with no writer cannot hold the
    process; what it is is read from the open descriptor, so a link swapped in
    between a check and the open cannot slip through."""
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(name, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SpecialFile(name, kind(mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (else :class:`TooLarge`)."""
    with open_regular(path) as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(os.fspath(path), limit)
    return raw


# --------------------------------------------------------------- writing a page


def _cannot(path: str, reason: str, fix: str) -> KetacalcError:
    return KetacalcError(f"cannot write {shown_path(path)} ({reason})", fix)


def output_target(path: str) -> tuple[Path, int | None]:
    """Where writing ``path`` puts the bytes, and the mode of the file there now.

    A symlink is followed to its target (the link stays a link); an existing
    regular file keeps its mode. A path ending in ``/``, a directory, a FIFO or a
    device is refused: a page is written only to a regular file."""
    if not path:
        raise KetacalcError("the output path is empty", "give a file name, e.g. report.html, or - for stdout")
    if path.endswith(("/", os.sep)):
        raise _cannot(path, "it names a folder", "give a file name, e.g. report.html")
    target = Path(os.path.realpath(path))
    try:
        # through the path as given first: /dev/stdout, a pipe's link in /proc, resolves to no
        # path (``pipe:[…]``) but is there, a FIFO
        st = os.stat(path)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise _cannot(path, exc.strerror or type(exc).__name__, "check the path") from None
    if not stat.S_ISREG(st.st_mode):
        raise _cannot(path, f"it is {kind(st.st_mode)}", "give the path of a regular file, or - for stdout")
    return target, stat.S_IMODE(st.st_mode)


def write_atomically(path: str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as a whole: into a temporary file in the
    target's own folder, then renamed over the target, so a reader never sees half
    a page and a failure leaves any old file as it was. Returns the file written."""
    import tempfile

    target, mode = output_target(path)
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # as an ordinary new file would be, not mkstemp's 0600
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _cannot(
            path, exc.strerror or type(exc).__name__, "check that the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise _cannot(path, exc.strerror or type(exc).__name__, "check the path and the free space") from None
    return target


#: a user directory kind -> the XDG variable that names it, and its default under the home
_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def user_dir(kind: str) -> Path | None:
    """``platformdirs.user_<kind>_dir("ketacalc", appauthor=False)`` on Linux, where it is
    the XDG rule, worked out without importing platformdirs (about 8 ms of every start-up,
    ``tempfile`` and ``random`` with it): ``$XDG_CACHE_HOME/ketacalc`` (``XDG_CONFIG_HOME``
    for ``"config"``) when that is absolute, else ``~/.cache/ketacalc`` (``~/.config``) for
    an absolute ``HOME``. ``None`` elsewhere, and in the corner cases platformdirs resolves
    (no ``HOME`` or a relative one: it looks the user up)."""
    if not sys.platform.startswith("linux") or "ANDROID_DATA" in os.environ:
        return None
    variable, default = _XDG[kind]
    xdg = os.environ.get(variable, "")
    if posixpath.isabs(xdg):
        return Path(xdg, "ketacalc")
    home = os.environ.get("HOME")
    if home is None or not posixpath.isabs(home):
        return None
    return Path(os.path.expanduser(default), "ketacalc")
