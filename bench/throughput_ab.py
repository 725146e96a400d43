"""Autosave throughput of two checkouts, served alternately: saves a second, the bare
view's, their ratio, and the workers' CPU per request, round by round.

Run (from the repository):
  git worktree add ../before <commit>
  .venv/bin/python bench/throughput_ab.py ../before . [--rounds 4] [--seconds 15]
  .venv/bin/python bench/throughput_ab.py . . --threads-b 2     # one checkout, gthread as B

The issue's "autosave throughput ≥ 0.5 of the bare view's" is measured by load_bench.py
once per run, and the bare view's own rate moves by half within an afternoon on this
shared host, so one run hides a change of 10 %. Here each checkout's gunicorn (2 workers,
one SQLite file each, the same bank and paper) takes BareFlat then SaveFlat (Locust, 16
users, no wait) for a few seconds, A then B, then B then A …; the workers' CPU per request
(user + system of every thread, psutil) is the steadier figure, since it does not depend on
how much of the cores the host lent that round. Locust's own CPU per request is shown
beside it: it shares the two cores, so what it spends on a save is taken from the server.
`--workers-b` / `--threads-b` serve B with other worker settings (one checkout twice, say:
`. . --threads-b 2` for gthread).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from bench import load_bench  # noqa: E402

USERS = 16  # Locust users per phase; each SaveFlat user signs in as a candidate of its own


def _cpu(workers) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in workers)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)  # Locust, once it has exited
    return used.ru_utime + used.ru_stime


def _phase(server, plan_file: Path, workdir: Path, name: str, seconds: float, first: int):
    """(requests a second, the workers' CPU ms per request, errors, Locust's CPU ms per
    request) of one Locust class."""
    workers = server.workers()
    before, locust_before = _cpu(workers), _children_cpu()
    rows, _command, _failures = load_bench.locust(
        f"http://127.0.0.1:{server.port}", plan_file, workdir / f"{name}-{first}", USERS, USERS,
        int(seconds), [name], {"BENCH_FIRST": first},
    )  # fmt: skip
    row = next(r for r in rows if "[throughput]" in r["name"] and r["method"] in ("GET", "POST")
               and ("bare" in r["name"] or "save" in r["name"]))  # fmt: skip
    used, count = _cpu(workers) - before, max(1, row["count"])
    locust_used = _children_cpu() - locust_before
    return row["rps"], used * 1000 / count, row["failures"], locust_used * 1000 / count


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("a", type=Path, help="a checkout (the one before)")
    p.add_argument("b", type=Path, help="another (the one after)")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--shuffle", action="store_true", help="a paper that shuffles options")
    p.add_argument("--workers-b", type=int, default=2, help="B's gunicorn workers")
    p.add_argument("--threads-b", type=int, default=1, help="B's threads per worker (gthread)")
    args = p.parse_args()
    servers, plans, rounds = {}, {}, {"A": [], "B": []}
    first = {"A": 0, "B": 0}
    try:
        for name, checkout in (("A", args.a.resolve()), ("B", args.b.resolve())):
            workdir = Path(tempfile.mkdtemp(prefix=f"throughput-ab-{name}-"))
            os.environ["EXAM_INSTANCE_DIR"] = str(workdir / "instance")
            url = f"sqlite:///{workdir / 'exam.db'}"
            plan = load_bench.build_database(url, USERS * args.rounds + 4, 100, args.shuffle)
            plans[name] = (workdir / "plan.json", workdir)
            plans[name][0].write_text(json.dumps(plan), encoding="utf-8")
            workers, threads = (2, 1) if name == "A" else (args.workers_b, args.threads_b)
            servers[name] = load_bench.Server(url, workdir, workers, threads, root=checkout)
        for n in range(args.rounds):
            for name in ("A", "B") if n % 2 == 0 else ("B", "A"):
                plan_file, workdir = plans[name]
                bare = _phase(servers[name], plan_file, workdir, "BareFlat", args.seconds, 0)
                save = _phase(servers[name], plan_file, workdir, "SaveFlat", args.seconds,
                              first[name])  # fmt: skip
                first[name] += USERS
                rounds[name].append((bare, save))
                print(f"round {n + 1} {name}: bare {bare[0]:.0f}/s ({bare[1]:.3f} ms CPU), "
                      f"saves {save[0]:.0f}/s ({save[1]:.3f} ms CPU), ratio "
                      f"{save[0] / bare[0]:.3f}, errors {bare[2] + save[2]}; Locust's CPU "
                      f"{bare[3]:.3f} / {save[3]:.3f} ms", flush=True)  # fmt: skip
    finally:
        for server in servers.values():
            server.stop()
    print(f"A: {args.a}; B: {args.b}; medians of {args.rounds} rounds")
    print(f"{'':3} {'bare/s':>7} {'saves/s':>8} {'ratio':>6} {'CPU bare ms':>12} "
          f"{'CPU save ms':>12} {'Locust bare':>12} {'Locust save':>12}")  # fmt: skip
    for name in ("A", "B"):
        got = rounds[name]
        median = statistics.median
        print(f"{name:3} {median(b[0] for b, _ in got):7.0f} {median(s[0] for _, s in got):8.0f} "
              f"{median(s[0] / b[0] for b, s in got):6.3f} {median(b[1] for b, _ in got):12.3f} "
              f"{median(s[1] for _, s in got):12.3f} {median(b[3] for b, _ in got):12.3f} "
              f"{median(s[3] for _, s in got):12.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
