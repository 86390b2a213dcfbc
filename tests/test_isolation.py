"""The suite never touches the person's own home, cache or configuration."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from conftest import PRIVATE_HOME, run_subprocess


def _inside(path: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(PRIVATE_HOME.resolve())


def test_home_cache_and_config_point_into_a_private_temporary_directory():
    assert PRIVATE_HOME.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "KETACALC_CACHE_DIR"):
        assert _inside(os.environ[name]), name
    assert _inside(Path.home())


def test_the_cache_a_run_writes_lands_in_the_private_directory(monkeypatch):
    from ketacalc.data import cache

    monkeypatch.delenv("KETACALC_CACHE_DIR")  # even platformdirs' default stays inside
    directory = cache.cache_dir()
    assert directory is not None and _inside(directory)


def test_a_real_process_inherits_the_private_home():
    run = run_subprocess(shell=f'{os.sys.executable} -c "import pathlib; print(pathlib.Path.home())"')
    assert _inside(run.stdout.strip())
