"""The first Train click of every lesson preset after a server restart: with and without
the on-disk XLA cache, beside a click in a process that has trained the preset already.

A restart is a new Python process (TensorFlow imported, nothing compiled) that first does
what a worker does before it says it is ready (``workers.prime``). For each
preset of the three task pages (its own lesson, settings and data), in one process:
- empty cache: the first click, compiling the loop (the way before the cache);
- filled cache: a new process pointed at the cache the first one filled (a restart);
- again: a second click in the same process (what the class had before the restart);
- warmed pool: as the app restarts, a ``JobPool`` on the filled cache whose workers warm
  every preset first (``app.pool.pool``); then each preset's first click through it,
  from submit to the trained job, beside the time the warm-up took.
Printed per preset and as medians over ``--repeats`` rounds, with the ratio.

Usage: python bench/restart_speed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def child(cache: str) -> None:
    """One server's life: each preset's first click and a second click, as JSON lines."""
    import time

    os.environ["LSTM_EXPLORER_XLA_CACHE"] = cache
    from lstm_core import xla_cache

    xla_cache.enable()
    from lstm_core import datasets, models, training, workers

    start = time.perf_counter()
    workers.prime()  # what a worker does before it is ready
    print(json.dumps({"primed": time.perf_counter() - start}), flush=True)

    from app.presets import named_experiments

    for name, e in named_experiments().items():
        ds = datasets.load(e.dataset, **dict(e.options))
        clicks = []
        for _ in range(2):
            start = time.perf_counter()
            model = models.build(e.spec, ds, seed=e.config.seed)
            training.train(model, ds, e.config)
            clicks.append(time.perf_counter() - start)
        print(json.dumps({"preset": name, "first": clicks[0], "again": clicks[1]}), flush=True)


def warmed_pool(cache: str) -> tuple[float, dict[str, list[float]]]:
    """A restarted app's pool: seconds until every preset is warm, then each preset's first
    click and a later one (submit to trained)."""
    import time

    from app import presets
    from lstm_core import jobs

    os.environ["LSTM_EXPLORER_XLA_CACHE"] = cache
    start = time.perf_counter()
    pool = jobs.JobPool()
    try:
        for experiment in presets.every_experiment():  # what app.pool.pool does
            pool.warm(experiment)
        while pool.warm_ups_left() and time.perf_counter() - start < 300:
            time.sleep(0.05)  # (past 300 s: a warm-up found no room in a worker)
        warm = time.perf_counter() - start
        if pool.warm_ups_left():
            print(f"{pool.warm_ups_left()} presets left unwarmed: no room", flush=True)
        clicks: dict[str, list[float]] = {}
        for seed in (0, 1):  # seed 1: a later click (a new run of a compiled loop)
            for name, e in presets.named_experiments().items():
                tic = time.perf_counter()
                experiment = replace(e, config=replace(e.config, seed=e.config.seed + seed))
                pool.wait(pool.submit(experiment, f"student-{name}"), timeout=300)
                clicks.setdefault(name, []).append(time.perf_counter() - tic)
        return warm, clicks
    finally:
        pool.close()


def server_life(cache: str) -> dict[str, dict]:
    done = subprocess.run([sys.executable, __file__, "--child", cache], capture_output=True,
                          text=True, check=True, cwd=ROOT)  # fmt: skip
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {row.get("preset", "(worker start)"): row for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    empty, filled, again, pooled, later, primed, warm = {}, {}, {}, {}, {}, [], []
    for round_ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            before = server_life(cache)  # fills the cache
            after = server_life(cache)  # the restart
            warm_seconds, clicks = warmed_pool(cache)  # the app's restart
        primed.append(after.pop("(worker start)")["primed"])
        warm.append(warm_seconds)
        before.pop("(worker start)")
        for name in before:
            empty.setdefault(name, []).append(before[name]["first"])
            filled.setdefault(name, []).append(after[name]["first"])
            again.setdefault(name, []).append(before[name]["again"])
            pooled.setdefault(name, []).append(clicks[name][0])
            later.setdefault(name, []).append(clicks[name][1])
        print(f"round {round_ + 1}/{args.repeats} done", flush=True)
    med = statistics.median
    print("\n== first click after a restart, seconds (median of rounds) ==")
    print(f"{'preset':44} {'empty cache':>11} {'filled':>8} {'again':>7} {'empty/filled':>13} "
          f"{'warmed pool':>12} {'pool again':>11}")  # fmt: skip
    for name in empty:
        e, f, a = med(empty[name]), med(filled[name]), med(again[name])
        p, q = med(pooled[name]), med(later[name])
        print(f"{name:44} {e:11.2f} {f:8.2f} {a:7.2f} {e / f:13.1f} {p:12.2f} {q:11.2f}")
    all_e = med([med(v) for v in empty.values()])
    all_f = med([med(v) for v in filled.values()])
    all_a = med([med(v) for v in again.values()])
    worst_f = max(med(v) for v in filled.values())
    print(
        f"{'median over presets':44} {all_e:11.2f} {all_f:8.2f} {all_a:7.2f} {all_e / all_f:13.1f}"
    )
    print(f"worst preset with a filled cache: {worst_f:.2f} s")
    all_p = med([med(v) for v in pooled.values()])
    all_q, worst_q = med([med(v) for v in later.values()]), max(med(v) for v in later.values())
    worst_p = max(med(v) for v in pooled.values())
    print(f"warmed pool (the app after a restart): every preset warm {med(warm):.1f} s after "
          f"the pool starts; then first clicks, submit to trained: median {all_p:.2f} s, "
          f"worst {worst_p:.2f} s; a later click (another seed): median {all_q:.2f} s, "
          f"worst {worst_q:.2f} s")  # fmt: skip
    print(f"a worker's start before it is ready (workers.prime), filled cache: "
          f"{med(primed):.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
