"""Benchmarks, run by `make bench`: each reports ratios measured side by side in one run."""
