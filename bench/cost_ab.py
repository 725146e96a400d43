"""The cost phase of two checkouts, interleaved: which one's requests cost less, as
multiples of the bare request, on the same machine at the same moments.

Run (from the repository):
  git worktree add ../before <commit>
  .venv/bin/python bench/cost_ab.py ../before . [--rounds 12] [--seconds 3] [--db postgresql]
                                                [--shuffle]
  .venv/bin/python bench/cost_ab.py . . --db sqlite --db-b postgresql   # one checkout, two databases

A single cost phase moves by ±0.2 × bare between runs of the same code on a shared
machine, which hides a change of that size. Here each checkout is served by its own
gunicorn (2 workers, SQLite or a database each on one PostgreSQL server, the same bank and
paper built by this checkout's code, so the schema must be the same), and
bench/cost_phase.py runs against A, then B, then B, then A …, a few seconds each; the
table gives each request's median ratio over the rounds, its median p50 in ms, and the
median of B's cost over A's taken round by round. With `--db-b` the two sides are two
databases (the same checkout twice, say): PostgreSQL's cost over SQLite's, measured at
the same moments instead of in two runs hours apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from bench import load_bench  # noqa: E402
from bench.cost_phase import run  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("a", type=Path, help="a checkout (the one before)")
    p.add_argument("b", type=Path, help="another (the one after)")
    p.add_argument("--rounds", type=int, default=12)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument(
        "--db-b",
        choices=("sqlite", "postgresql"),
        help="B's database, if not --db: PostgreSQL's cost over SQLite's at the same moments",
    )
    p.add_argument("--shuffle", action="store_true", help="a paper that shuffles options")
    args = p.parse_args()
    databases = {"A": args.db, "B": args.db_b or args.db}
    servers, plans, ratios, costs = {}, {}, {}, {}
    postgres = None
    if "postgresql" in databases.values():
        from tests.databases import PostgresServer

        postgres = PostgresServer(durable=True)  # fsync on, as load_bench's
        postgres.start()
    try:
        for name, checkout in (("A", args.a.resolve()), ("B", args.b.resolve())):
            workdir = Path(tempfile.mkdtemp(prefix=f"cost-ab-{name}-"))
            os.environ["EXAM_INSTANCE_DIR"] = str(workdir / "instance")
            url = f"sqlite:///{workdir / 'exam.db'}"
            if databases[name] == "postgresql":
                url = postgres.url(postgres.create_database())
            # A sitting of a few seconds takes ~30 candidates; each sits once.
            plans[name] = load_bench.build_database(url, 90 * args.rounds + 60, 100, args.shuffle)
            servers[name] = load_bench.Server(url, workdir, 2, 1, root=checkout)
            ratios[name], costs[name] = {}, {}
        first = {"A": 0, "B": 0}
        for n in range(args.rounds):
            for name in ("A", "B") if n % 2 == 0 else ("B", "A"):
                out = run(servers[name].port, plans[name], first[name], args.seconds)
                first[name] += out["sittings"]
                for request, figures in out["requests"].items():
                    ratios[name].setdefault(request, []).append(figures["x_bare"])
                    costs[name].setdefault(request, []).append(figures["p50_ms"])
    finally:
        for server in servers.values():
            server.stop()
        if postgres is not None:
            postgres.stop()
    print(f"A: {args.a} on {databases['A']}; B: {args.b} on {databases['B']}")
    print(f"{'request':14} {'A × bare':>9} {'B × bare':>9} {'A ms':>7} {'B ms':>7} {'B / A':>6}"
          f"   medians of {args.rounds} rounds")  # fmt: skip
    for request in ratios["A"]:
        a, b = (statistics.median(ratios[x][request]) for x in ("A", "B"))
        ms_a, ms_b = (statistics.median(costs[x][request]) for x in ("A", "B"))
        # B / A: the rounds' own ratios, each of two moments side by side
        each = [y / x for x, y in zip(costs["A"][request], costs["B"][request], strict=False)]
        print(
            f"{request:14} {a:9.2f} {b:9.2f} {ms_a:7.2f} {ms_b:7.2f} {statistics.median(each):6.2f}"
        )


if __name__ == "__main__":
    main()
