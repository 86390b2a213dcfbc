"""Load ``providers.yaml``: refuse hostile input, report every problem at once.

Problems are reported as ``FILE:LINE:COL: path.to.field: message`` (hledger and
beancount style). The YAML is composed into nodes (which keep their line and
column) and turned into plain values here, so that aliases, duplicate keys,
tags and floats can be caught with their position before Pydantic sees the data.
An error quotes at most about 60 characters of the input (``errors.quoted``).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.data.models import DataFile

from ketacalc.data.datachecks import cross_checks, dedupe, from_pydantic
from ketacalc.data.yamlread import Builder, Problems
from ketacalc.errors import DataFileError, DataProblem

MAX_BYTES = 1024 * 1024  # the shipped file is ~60 KiB; anything this big is not ours


def default_data_path() -> Path:
    """The data file shipped in the wheel, or the repository's top-level copy."""
    here = Path(__file__).resolve().parent.parent  # the package: src/ketacalc
    packaged = here / "providers.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "providers.yaml"  # src/ketacalc -> repository root


def load(
    path: str | os.PathLike[str] | None = None, *, today: date | None = None, strict_dates: bool = True
) -> DataFile:
    """Read, check and return a data file. Raises ``DataFileError`` listing every problem.

    With ``strict_dates`` (the default, for ``check``) a date after ``today`` is a problem.
    """
    path = Path(path) if path is not None else default_data_path()
    return parse(decode(read_bytes(path), str(path)), str(path), today=today, strict_dates=strict_dates)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing a directory, a FIFO or a device (never read or
    waited on), a missing or unreadable file, or one too large."""
    name = str(path)

    def fail(message: str) -> DataFileError:
        return DataFileError(name, [DataProblem(1, 1, "", message, name)])

    from ketacalc.files import SpecialFile, TooLarge, read_regular

    try:
        raw = read_regular(path, MAX_BYTES)
    except SpecialFile as exc:
        raise fail(f"is {exc.kind}, not a data file; pass the path of a providers.yaml file") from None
    except TooLarge:
        raise fail(f"is larger than {MAX_BYTES // 1024} KiB; a providers file is far smaller") from None
    except FileNotFoundError:
        raise fail("no such file; check the path of the data file") from None
    except PermissionError:
        raise fail("permission denied; make the file readable") from None
    except IsADirectoryError:
        raise fail("is a directory, not a data file; pass the path of a providers.yaml file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    return raw


def decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            name,
            [DataProblem(line, column, "", "is not valid UTF-8; save the file as UTF-8", name)],
        ) from None


def parse(
    text: str, name: str = "<data>", *, today: date | None = None, strict_dates: bool = True
) -> DataFile:
    """Parse YAML text into a checked ``DataFile``; every problem is reported at once.

    With ``strict_dates`` a date after ``today`` is a problem; without, dates are
    not compared with today (the catalog reports them as one warning instead).
    """
    from pydantic import ValidationError

    from ketacalc.data.models import DataFile

    today = (today or date.today()) if strict_dates else None
    builder = Builder(name)
    try:
        data = builder.build(text)
    except Problems as exc:  # unreadable YAML: nothing more can be checked
        raise DataFileError(name, exc.problems) from None
    problems = list(builder.problems)  # duplicate keys, tags: the rest can still be checked
    if data is None:
        problems.append(DataProblem(1, 1, "", "the file is empty; start it with 'version: 1'", name))
        raise DataFileError(name, problems)
    if not isinstance(data, dict):
        line, column = builder.marks.get((), (1, 1))
        problems.append(
            DataProblem(
                line,
                column,
                "",
                "the file must be a mapping starting with 'version: 1', not a single value or list",
                name,
            )
        )
        raise DataFileError(name, dedupe(problems))
    problems += cross_checks(data, name, builder.marks)
    try:
        result = DataFile.model_validate(data, context={"today": today})
    except ValidationError as exc:
        problems.extend(from_pydantic(exc, name, builder.marks, builder.key_marks))
        result = None
    if problems or result is None:
        raise DataFileError(name, dedupe(problems))
    return result


# --------------------------------------------------------------- catalog + cache


def load_catalog(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> Catalog:
    """The checked data as a :class:`ketacalc.data.catalog.Catalog`.

    The validated data is cached on disk (:mod:`ketacalc.data.cache`), keyed by the
    SHA-256 of the file's bytes and ketacalc's version, so a warm start imports
    neither YAML nor Pydantic. Dates after ``today`` do not make the file
    unusable (the clock may be wrong): they become one line in
    ``catalog.warnings``. ``ketacalc check`` (:func:`load`) still refuses them.
    """
    from ketacalc.data import cache, shipped
    from ketacalc.data.catalog import build

    path = Path(path) if path is not None else default_data_path()
    today = today or date.today()
    name = str(path)
    raw = read_bytes(path)  # hashed as read; decoded only when the cache cannot answer
    key = data_key(raw)
    cached = cache.cache_file(key)
    catalog = None
    if cached is not None:
        data = cache.read(cached)
        if data is not None:
            from ketacalc.data.verify import trusted

            try:  # the cache is untrusted input: checked as strictly as the data file
                catalog = trusted(data, name)
            except (
                Exception
            ):  # a cache of the wrong shape or values: rebuild it below, never an internal error
                catalog = None
    if catalog is None:
        # the shipped file was checked when ketacalc was built: its first run reads no YAML either
        data = shipped.read(key)
        if data is not None:
            try:
                catalog = build(data, name)
            except Exception:  # not what this version builds from: read the YAML below
                catalog = None
    if catalog is None:
        data = checked_data(raw, name)
        catalog = build(data, name)
        if cached is not None:
            cache.write(cached, data)
    catalog.warnings = clock_warnings(catalog, today)
    return catalog


def data_key(raw: bytes) -> str:
    """The identity of a data file's checked data: its bytes and ketacalc's version."""
    from ketacalc.data.cache import sha256
    from ketacalc.version import __version__

    return sha256(raw + b"\0" + __version__.encode())[:32]


def checked_data(raw: bytes, name: str) -> dict[str, object]:
    """A data file's bytes, read and checked, as the plain values a catalog is built
    from (what the cache and the shipped ``providers.checked.json`` hold)."""
    return parse(decode(raw, name), name, strict_dates=False).model_dump(mode="json", exclude_none=True)


def clock_warnings(catalog: Catalog, today: date) -> tuple[str, ...]:
    """One line when the data has dates after ``today``; none otherwise."""
    later = catalog.dated_after(today)
    if not later:
        return ()
    more = f" and {len(later) - 1} more" if len(later) > 1 else ""
    return (
        f"the data file has figures dated after today ({later[0].isoformat()}{more}, today is "
        f"{today.isoformat()}); is the clock right?",
    )
