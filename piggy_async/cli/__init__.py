"""`piggy`: the command line over `piggy_async` (installed as the `piggy` entry point).

    piggy import-contacts contacts.csv          # see `piggy --help` for every command
    piggy export loyalty-transactions --since 2024-01-01 --out tx.jsonl --state tx.state
    piggy call contacts.find_one_by --email sandy@bikinibottom.sea

A thin layer: the jobs live in `piggy_async.bulk`; this package parses arguments, reads
credentials from the environment, draws progress, and turns outcomes into exit codes
(`_exit.py`).
"""

from __future__ import annotations

from ._main import cli, main

__all__ = ["cli", "main"]
