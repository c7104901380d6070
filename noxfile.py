"""The suite on what users run: `make test-matrix` runs the default sessions (CI does too).

- `tests-3.11`, `tests-3.12`, `tests-3.13`: every test on the newest release of every
  dependency (tests built on aioresponses skip, saying why, where it cannot run).
- `minimum`: every test on the oldest release `pyproject.toml` allows of each runtime
  dependency, on the oldest Python.
- `user_project`: a project outside the repository installs the built wheel with its
  `pytest` and `otel` extras (and opentelemetry-sdk, as a traced service has) into a fresh
  environment and runs its own tests with the SDK's pytest plugin, no conftest.py: calls
  through its own aiohttp session, spans read back from an in-memory exporter.

Each runs the tests only: `make test` does the linting, type checks and benchmarks.
Temporary files go to the system's temporary folder, never under `.nox/` (nox's
`create_tmp()` would point `TMPDIR` there, where ruff, which excludes `.nox`, would not
format what the generated-code drift check generates).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
# `make test` already runs every test on 3.11 (the newest dependencies, aiohttp below 3.14):
# CI's time goes to the other Pythons, the minimums and the wheel (`nox -s tests-3.11` too).
nox.options.sessions = ["tests-3.12", "tests-3.13", "minimum", "user_project"]

ROOT = Path(__file__).parent
PYTHONS = ["3.11", "3.12", "3.13"]
USER_TESTS = ROOT / "examples" / "user_tests"


def _minimums() -> list[str]:
    """`name==version` for each runtime dependency (and extra) at its declared lower bound."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    declared = [*project["dependencies"], *extras["redis"], *extras["otel"]]
    pins = []
    for requirement in declared:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        if match is None:
            raise ValueError(f"{requirement!r} has no lower bound of the form name>=version")
        pins.append(f"{match[1]}=={match[2]}")
    return pins


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Every test, on the newest dependencies."""
    session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHONS[0])
def minimum(session: nox.Session) -> None:
    """Every test, on the declared minimum of every runtime dependency."""
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "minimums.txt"
        constraints.write_text("\n".join(_minimums()) + "\n", encoding="utf-8")
        session.install("-c", str(constraints), "-e", ".[test,redis]")
    session.run("python", "-m", "pip", "list", silent=False)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHONS[-1])
def user_project(session: nox.Session) -> None:
    """A user's project: the built wheel with `[pytest,otel]`, the newest dependencies, the
    plugin's fixtures, its own session and its own in-memory span exporter."""
    with tempfile.TemporaryDirectory() as tmp:
        dist, project = Path(tmp) / "dist", Path(tmp) / "project"
        session.run("python", "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT))
        (wheel,) = dist.glob("piggy_async-*.whl")
        session.install(
            "--upgrade", "--upgrade-strategy", "eager", f"{wheel}[pytest,otel]", "opentelemetry-sdk"
        )
        shutil.copytree(USER_TESTS, project)
        session.chdir(project)
        session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs)
