"""`docs/api.md`: generated from the spec, complete, and checked for drift."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import piggy_async
from codegen import check
from codegen.output import DOCS

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / DOCS).read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    """Each operation's section, by `resource.name`."""
    parts = re.split(r"^### `([a-z_]+\.[a-z_]+)`", PAGE, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_operation_has_a_section_with_its_http_call_and_clients() -> None:
    sections = _sections()
    for operation in piggy_async.operations():
        key = f"{operation.resource}.{operation.name}"
        assert key in sections, f"{key} is missing from docs/api.md"
        text = sections[key]
        assert f"`{operation.method} {operation.path or '/'}`" in text
        client = "OAuthClient" if operation.api == "oauth" else "RegisterClient"
        assert f"- {client}: `" in text
        for code in operation.errors:
            assert f"{code} `{piggy_async.ErrorCode(code).name}`" in text
        for param in operation.params:
            assert f"| `{param.py_name}` | {param.location} |" in text


def test_a_user_finds_redeem_voucher_by_its_http_call() -> None:
    section = _sections()["vouchers.redeem"]
    assert "`POST /vouchers/redeem`" in section
    assert "`await piggy.vouchers.redeem(code=…, shop_uuid=…, ...)` → `Voucher`" in section
    assert "| `shop_uuid` | body | `str` | on OAuthClient |" in section


def test_the_contents_count_every_operation() -> None:
    by_api = {"oauth": 0, "register": 0}
    for operation in piggy_async.operations():
        by_api[operation.api] += 1
    assert f"| **All** | | {by_api['oauth']} | {by_api['register']} |" in PAGE


def test_a_hand_edited_reference_is_reported_as_stale(tmp_path: Path) -> None:
    for name in ("spec", "piggy_async/_generated", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert check(tmp_path) == []
    (tmp_path / DOCS).write_text(PAGE.replace("Redeem Voucher", "Redeem"), encoding="utf-8")
    assert check(tmp_path) == [DOCS]


def test_the_readmes_state_the_operation_count() -> None:
    operations = piggy_async.operations()
    oauth = sum(op.api == "oauth" for op in operations)
    resources = len({op.resource for op in operations})
    counts = f"{len(operations)} operations over {resources} resources: {oauth} on the OAuth"
    assert counts in " ".join((ROOT / "spec" / "README.md").read_text().split())
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"({len(operations)} over {resources} resources: {oauth} on OAuth" in readme
