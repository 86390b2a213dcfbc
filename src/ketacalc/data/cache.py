"""The on-disk cache of checked data files, so a warm start skips YAML and Pydantic.

Pure core code: no printing, and every failure only costs speed. A cache file
is one header line, ``ketacalc-cache <format> <sha256 of the rest>``, followed
by the checked data as JSON. A file that cannot be read, that is not a regular
file (a FIFO, a device, a link to one) or is larger than :data:`MAX_BYTES`,
whose checksum does not match, or whose content is not JSON of the expected
shape is ignored (and rewritten by the loader): a damaged cache is never an
error. A checksum proves a file intact, not its content valid: the catalog
checks every value it builds from the cache as the data file's checks would
(:func:`ketacalc.data.catalog.build` with ``strict``).

The directory is ``KETACALC_CACHE_DIR`` when set and not empty, otherwise the
platform's user cache directory for ketacalc (``platformdirs``; on Linux
``$XDG_CACHE_HOME/ketacalc`` when that is an absolute path, else
``~/.cache/ketacalc``). ``KETACALC_NO_CACHE=1`` turns the cache off. Only
files named like ketacalc's own (``ketacalc-data-v<format>-*.json``) in that
directory are ever deleted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

FORMAT = 2
_PREFIX = f"ketacalc-data-v{FORMAT}-"
_PATTERN = "ketacalc-data-v*-*.json"
_MAGIC = "ketacalc-cache"
MAX_BYTES = 8 * 1024 * 1024  # a cache of the largest data file the loader reads is far smaller


def cache_dir() -> Path | None:
    """Where cache files live, or ``None`` when the cache is turned off."""
    if os.environ.get("KETACALC_NO_CACHE", "").strip() not in ("", "0"):
        return None
    own = os.environ.get("KETACALC_CACHE_DIR", "").strip()
    try:
        if own:
            return Path(own).expanduser().absolute()
        from ketacalc.files import user_dir

        directory = user_dir("cache") or _platform_cache_dir()
        if not directory.is_absolute():  # a relative XDG_CACHE_HOME is to be ignored (XDG spec)
            directory = Path.home() / ".cache" / "ketacalc"
        home = Path.home()
        if directory.is_relative_to(home) and not home.is_dir():
            # HOME=/nonexistent (a service account): no cache, never a new home made for one
            return None
    except (RuntimeError, KeyError, OSError, ValueError):
        # ~nosuchuser, or a user with no passwd entry and no HOME: no cache, only slower
        return None
    return directory


def _platform_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("ketacalc", appauthor=False))


def cache_file(key: str) -> Path | None:
    """The cache file for a data file whose identity (content hash, version) is ``key``."""
    directory = cache_dir()
    return directory / f"{_PREFIX}{key}.json" if directory is not None else None


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex, from the interpreter's own module where it has one:
    ``hashlib`` loads OpenSSL first (about 2 ms of every start-up), for the same digest."""
    try:
        from _sha256 import sha256 as new  # CPython 3.11
    except ImportError:  # pragma: no cover - the module's name since CPython 3.12, or none
        try:
            from _sha2 import sha256 as new  # type: ignore[import-not-found, no-redef]
        except ImportError:
            from hashlib import sha256 as new  # type: ignore[assignment]
    return new(data).hexdigest()  # type: ignore[no-any-return]


def _checksum(body: bytes) -> str:
    return sha256(body)


def read(path: Path) -> Any | None:
    """The JSON value stored in ``path``, or ``None`` when it is missing, damaged or
    not a JSON object (the caller still checks the shape as it builds from it)."""
    import json

    from ketacalc.files import read_regular

    try:
        raw = read_regular(path, MAX_BYTES)  # never a FIFO, a device or a huge file
        header, _, body = raw.partition(b"\n")
        magic, version, digest = header.decode("ascii").split(" ")
        if magic != _MAGIC or version != str(FORMAT) or digest != _checksum(body):
            return None
        # the check for nulls only when the text holds one (rare: a note saying "null")
        hook = _no_nulls if b"null" in body else None
        value = json.loads(body.decode("utf-8"), object_pairs_hook=hook)
    except (OSError, ValueError, RecursionError):  # missing, special, too big, bad header, UTF-8 or JSON
        return None
    return value if isinstance(value, dict) else None


def _no_nulls(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object of the cache; the data is dumped without ``None`` values, so a
    ``null`` is a crafted entry (the catalog would take it as the field's default)."""
    if any(value is None for _, value in pairs):
        raise ValueError("null in the cache")
    return dict(pairs)


def write(path: Path, value: Any) -> None:
    """Store ``value`` (JSON) in ``path`` atomically and remove ketacalc's other
    cache files in the same directory. A read-only or full disk is ignored."""
    import json
    import tempfile

    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    content = f"{_MAGIC} {FORMAT} {_checksum(body)}\n".encode("ascii") + body
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prune(path.parent, keep=path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ketacalc-tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home or full disk only costs speed


def prune(directory: Path, keep: Path | None = None) -> None:
    """Delete ketacalc's stale cache files in ``directory``: regular files named
    ``ketacalc-data-v*-*.json`` only, never a link, a directory or anything else."""
    try:
        for stale in directory.glob(_PATTERN):
            if stale == keep or stale.is_symlink() or not stale.is_file():
                continue
            stale.unlink(missing_ok=True)
    except OSError:
        pass
