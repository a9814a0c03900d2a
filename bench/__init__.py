"""Benchmarks of JD Builder at O*NET scale: `make bench` (see docs/performance.md)."""
