"""``python -m bench --n N [--db sqlite|postgresql|both] [--quick]``: generate, measure, write the results."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import generate, measure, report

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="number of activities (default 10000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and requests (for CI)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("stats", "list", "writes", "exports"),
        help="leave out a group of measurements (repeatable)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure the data set already generated for N")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--docs",
        type=Path,
        default=HERE.parent / "docs" / "BENCHMARKS.md",
        help="the Markdown report to regenerate ('-' for none)",
    )
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    per_thread = 25 if args.quick else 150
    engines = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for engine in engines:
        print(f"[{engine}] generating N={args.n:,} …", flush=True)
        started = time.perf_counter()
        if args.reuse:
            ds = generate.reuse(args.n, engine)
        else:
            ds = generate.generate(args.n, engine, log=lambda m: print(m, flush=True))
        print(f"[{engine}] data set ready in {time.perf_counter() - started:.1f} s: {ds.counts}", flush=True)
        app = measure.bench_app(ds)
        results: list[measure.Result] = []
        log = lambda m: print(m, flush=True)  # noqa: E731
        if "stats" not in args.skip:
            results += measure.measure_stats(app, ds, repeats, log)
        if "list" not in args.skip:
            results += measure.measure_list(app, ds, repeats, log)
        if "exports" not in args.skip:
            results += measure.measure_exports(app, ds, 1 if args.quick else 3, log, full=not args.quick)
        if "writes" not in args.skip:  # last: it adds rows to the data set
            results += measure.measure_writes(app, ds, per_thread, log)
        with app.app_context():
            from outreach.extensions import db

            db.engine.dispose()
        report.save(args.results, ds, results, quick=args.quick)
        print(f"[{engine}] results written to {args.results}", flush=True)
    if str(args.docs) != "-":
        report.write_markdown(args.results, args.docs)
        print(f"report written to {args.docs}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
