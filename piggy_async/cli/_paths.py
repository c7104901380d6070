"""The files a command will write, checked before any work starts: each in a directory that
exists and takes new files, none of them an input file or another output. A mistake
found after an hour's import (or by the input being overwritten) is found up front."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ._exit import ConfigError


def check_outputs(inputs: Mapping[str, Path], outputs: Mapping[str, Path | None]) -> None:
    """`outputs` (option name to path; None: not written) can be written without harm to
    `inputs` (name to path) or to each other.

    Raises:
        ConfigError: Naming the option and the problem.
    """
    seen = dict(inputs)
    for name, path in outputs.items():
        if path is None:
            continue
        for other, taken in seen.items():
            if _same(path, taken):
                raise ConfigError(f"{name} {path} is the same file as {other}: choose another")
        _check_writable(name, path)
        seen[name] = path


def _same(one: Path, other: Path) -> bool:
    if one.exists() and other.exists():
        return os.path.samefile(one, other)  # hard links and symbolic links included
    return os.path.realpath(one) == os.path.realpath(other)


def _check_writable(name: str, path: Path) -> None:
    import tempfile

    if path.is_dir():
        raise ConfigError(f"{name} {path} is a directory: give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise ConfigError(f"{name} {path}: the directory {folder} does not exist")
    try:  # permissions, read-only mounts, quotas: only trying tells
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".piggy-probe-")
        os.close(descriptor)
        os.unlink(probe)
        if path.exists():
            with open(path, "r+b"):
                pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigError(f"{name} {path} cannot be written: {reason}") from None
