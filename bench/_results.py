"""What every benchmark returns, and the side-by-side timing they share.

A noisy 2-core machine moves absolute numbers by tens of percent between runs, but two
candidates timed in alternating rounds see the same noise, so each benchmark reports the
median of the per-round ratios against its baseline.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One figure: `name: value unit (ratio x baseline)`; `goal` is the ratio aimed for,
    `baseline_value` the baseline's own median (in `unit`), for the chart."""

    name: str
    value: float
    unit: str
    ratio: float | None = None
    baseline: str = ""
    goal: str = ""
    baseline_value: float | None = None

    def __str__(self) -> str:
        text = f"{self.name}: {self.value:.4g} {self.unit}"
        if self.ratio is not None:
            goal = f", goal {self.goal}" if self.goal else ""
            text += f" ({self.ratio:.2f}x {self.baseline}{goal})"
        return text


def alternate(
    candidates: dict[str, Callable[[], object]], *, rounds: int, number: int
) -> dict[str, list[float]]:
    """Seconds per call of each candidate, one entry per round; candidates take turns."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, call in candidates.items():
            started = time.perf_counter()
            for _ in range(number):
                call()
            times[name].append((time.perf_counter() - started) / number)
    return times


def median_ratio(times: list[float], baseline: list[float]) -> float:
    """The median over rounds of `times / baseline`, each pair from the same round."""
    return statistics.median(t / b for t, b in zip(times, baseline, strict=True))


def compared(
    name: str,
    times: list[float],
    baseline_times: list[float],
    *,
    unit: str,
    scale: float,
    baseline: str,
    goal: str = "",
) -> Result:
    """The result for per-round `times` against `baseline_times` (seconds, shown x `scale`)."""
    return Result(
        name,
        statistics.median(times) * scale,
        unit,
        median_ratio(times, baseline_times),
        baseline,
        goal,
        statistics.median(baseline_times) * scale,
    )
