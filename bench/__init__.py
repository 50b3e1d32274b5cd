"""`make bench`: measurements written to BENCHMARKS.md as medians and ratios to in-process baselines."""
