"""Outreach benchmark: a deterministic national data set and measurements side by side with their floors.

Run ``python -m bench --n 100000 [--db sqlite|postgresql|both] [--quick]`` (or ``make bench N=...``). The
generator (:mod:`bench.generate`) writes the data set straight into the app's schema with ``executemany`` /
``COPY``; :mod:`bench.measure` times the app's own code paths and, in the same run on the same data, a floor
for each; :mod:`bench.report` writes ``bench/results.json`` and ``docs/BENCHMARKS.md``.
"""
