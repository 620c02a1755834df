"""Benchmarks: speed as ratios against a baseline measured in the same run (see docs/benchmarks.md).

Run them all with `make bench` (= `python -m bench.run_all`), or one at a time:
`python -m bench.advice_throughput`, `python -m bench.single_flight`.
Nothing here is part of the test suite: timing never becomes an assert in `make test`.
"""
