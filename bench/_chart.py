"""The chart `make bench` draws: decode and write-back times, SDK against pydantic."""

from __future__ import annotations

from pathlib import Path

from bench._results import Result


def draw(results: list[Result], folder: Path) -> Path:
    """Bars of the SDK's and the baseline's time for every decode figure; returns the file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in results if r.name.startswith(("decode.", "to_dict.")) and r.baseline_value]
    if not rows:
        raise SystemExit("the chart needs the decode benchmark: run it too")
    labels = [f"{r.name}\n({r.baseline})" for r in rows]
    figure, axes = plt.subplots(figsize=(9, 5))
    positions = range(len(rows))
    ours = [r.ratio or 0.0 for r in rows]
    axes.barh([p - 0.2 for p in positions], ours, height=0.4, label="piggy_async", color="#d6336c")
    axes.barh([p + 0.2 for p in positions], [1.0] * len(rows), height=0.4, label="pydantic v2")
    for position, row in zip(positions, rows, strict=True):
        text = f" {row.ratio:.2f}x: {row.value:.3g} us vs {row.baseline_value:.3g} us"
        axes.text(row.ratio or 0.0, position - 0.2, text, va="center", fontsize=8)
    axes.axvline(0.65, color="black", linestyle="--", linewidth=0.8, label="decode goal (0.65x)")
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.6)
    axes.set_xlabel("time relative to pydantic v2 (shorter is faster)")
    axes.set_title("Decoding and to_dict(): piggy_async against pydantic v2 (median of rounds)")
    axes.legend(loc="lower right")
    figure.tight_layout()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "decode.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
