"""The export's state file on its own: the documented format loads, every damaged field is
refused by name (a state that slips through would cut or duplicate the output), the
valid edge values are taken, and a failed save leaves the old state and no stray file."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from piggy_async.bulk._state import ExportState, load_state, save_state

JOB = "loyalty_transactions"
FILTERS: dict[str, Any] = {"type": None, "contact_uuid": None}
UUID = "0b9a6e4e-6a1e-4d52-9f3b-2d9c7a1f0c11"


def documented(**changes: Any) -> dict[str, Any]:
    """A state as the module's docstring describes it, with `changes` applied."""
    state: dict[str, Any] = {
        "job": JOB,
        "version": 1,
        "filters": dict(FILTERS),
        "cursor": "2024-03-01T12:00:07Z",
        "seen": [UUID],
        "output": {"path": "/abs/tx.jsonl", "committed": 81234},
    }
    state.update(changes)
    return state


def load(tmp_path: Path, data: object) -> ExportState:
    path = tmp_path / "tx.state"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_state(str(path), JOB, dict(FILTERS))


def refused(tmp_path: Path, data: object) -> str:
    with pytest.raises(ValueError) as raised:
        load(tmp_path, data)
    return str(raised.value)


def test_the_documented_format_loads_field_by_field(tmp_path: Path) -> None:
    state = load(tmp_path, documented())

    assert state == ExportState(
        JOB, FILTERS, datetime(2024, 3, 1, 12, 0, 7, tzinfo=UTC), {UUID}, "/abs/tx.jsonl", 81234
    )


def test_no_file_is_a_fresh_state_from_the_start(tmp_path: Path) -> None:
    state = load_state(str(tmp_path / "absent.state"), JOB, FILTERS)

    assert state == ExportState(JOB, FILTERS, None, set(), None, 0)


def test_the_lightest_valid_state_loads_with_its_defaults(tmp_path: Path) -> None:
    state = load(tmp_path, {"job": JOB, "version": 1, "filters": FILTERS, "cursor": None})
    assert (state.cursor, state.seen, state.output_path, state.committed) == (None, set(), None, 0)

    without_output = documented(output=None)
    assert load(tmp_path, without_output).committed == 0
    assert load(tmp_path, documented(output={"path": None, "committed": 0})).committed == 0
    assert load(tmp_path, documented(output={"path": "tx.jsonl"})).committed == 0


def test_a_saved_state_loads_back_equal_and_in_the_documented_shape(tmp_path: Path) -> None:
    path = tmp_path / "tx.state"
    state = ExportState(JOB, FILTERS)
    state.advance(datetime(2024, 3, 1, 12, 0, 7, tzinfo=UTC), ["b", "a"])
    state.output_path, state.committed = "/abs/tx.jsonl", 17

    save_state(str(path), state)

    assert json.loads(path.read_text()) == documented(
        seen=["a", "b"], output={"path": "/abs/tx.jsonl", "committed": 17}
    )
    assert load_state(str(path), JOB, FILTERS) == state
    assert os.listdir(tmp_path) == ["tx.state"]


def test_advancing_within_a_second_adds_and_a_new_second_starts_over() -> None:
    state = ExportState(JOB, FILTERS)
    second = datetime(2024, 3, 1, 12, 0, 7, tzinfo=UTC)
    state.advance(second, ["a"])
    state.advance(second, ["b"])
    assert (state.cursor, state.seen) == (second, {"a", "b"})

    later = datetime(2024, 3, 1, 12, 0, 8, tzinfo=UTC)
    state.advance(later, ["c"])
    assert (state.cursor, state.seen) == (later, {"c"})


@pytest.mark.parametrize(
    "data",
    [
        "not json {",
        b"\xff\xfe\x00 not utf-8",
    ],
)
def test_a_file_that_is_not_json_is_refused(tmp_path: Path, data: str | bytes) -> None:
    path = tmp_path / "tx.state"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())

    with pytest.raises(ValueError, match="not valid JSON"):
        load_state(str(path), JOB, FILTERS)


@pytest.mark.parametrize(
    "data",
    [
        [documented()],
        documented(job="contacts"),
        documented(version=2),
        {"job": JOB, "filters": FILTERS},
    ],
)
def test_another_job_or_version_is_refused(tmp_path: Path, data: object) -> None:
    assert f"not the state of a {JOB} export" in refused(tmp_path, data)


def test_other_filters_are_refused_naming_them(tmp_path: Path) -> None:
    message = refused(tmp_path, documented(filters={"type": "credit_receptions"}))
    assert "other filters" in message and "credit_receptions" in message


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("cursor", documented(cursor="yesterday")),
        ("cursor", documented(cursor=1709294407)),
        ("cursor", documented(cursor="2024-03-01T12:00:07")),  # no zone: which second?
        ("cursor", documented(cursor="2024-03-01T12:00:07.5Z")),  # not a whole second
        ("seen", documented(seen="not-a-list")),
        ("seen", documented(seen=[UUID, 7])),
        ("seen", documented(seen=[UUID, ""])),
        ("seen", documented(cursor=None)),  # uuids of no second
        ("output", documented(output=["/abs/tx.jsonl", 5])),
        ("output.path", documented(output={"path": "", "committed": 5})),
        ("output.path", documented(output={"path": 5, "committed": 5})),
        ("output.committed", documented(output={"path": "/abs/tx.jsonl", "committed": -1})),
        ("output.committed", documented(output={"path": "/abs/tx.jsonl", "committed": True})),
        ("output.committed", documented(output={"path": "/abs/tx.jsonl", "committed": 5.0})),
        ("output.committed", documented(output={"path": "/abs/tx.jsonl", "committed": "5"})),
    ],
)
def test_each_damaged_field_is_refused_by_name(tmp_path: Path, field: str, data: object) -> None:
    message = refused(tmp_path, data)
    assert f"`{field}`" in message and "tx.state" in message


def test_the_refusal_shows_the_bad_value_cut_short(tmp_path: Path) -> None:
    assert "not -1" in refused(tmp_path, documented(output={"path": "x", "committed": -1}))

    message = refused(tmp_path, documented(cursor="x" * 200))
    assert message.endswith(", not " + json.dumps("x" * 200)[:80])


def test_a_failed_save_keeps_the_old_state_and_leaves_no_stray_file(tmp_path: Path) -> None:
    path = tmp_path / "tx.state"
    save_state(str(path), ExportState(JOB, FILTERS))
    before = path.read_bytes()

    with pytest.raises(TypeError):
        save_state(str(path), ExportState(JOB, {"type": object()}))

    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["tx.state"]
