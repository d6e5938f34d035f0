"""Train clicked a few seconds after a settings change: compiled on the change vs on the click.

A task page warms the settings a student has just set (``JobPool.warm(..., keep=False)``)
while they reach for Train. Here, for single changes of the seed-000 lesson, each pair of
runs has two architectures of the same size (units u and u + 1, so the compile costs the
same): one trained on a plain click, one clicked ``--think`` seconds after its warm-up
started. Printed: click → trained for each, the medians and their ratio, measured in the
same pool in the same run.

Usage: python bench/tweak_warm.py [--think 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lstm_core.jobs import Experiment, JobPool  # noqa: E402
from lstm_core.lessons import LESSONS  # noqa: E402

TWEAKS = (  # (what changed, ModelSpec fields)
    ("units 64", {"units": 64}),
    ("GRU 32", {"cell": "gru", "units": 32}),
    ("SimpleRNN 32", {"cell": "simple_rnn", "units": 32}),
    ("2 layers of 32", {"layers": 2, "units": 32}),
    ("relu, 48 units", {"activation": "relu", "units": 48}),
)


def experiment(fields: dict, extra_units: int, seed: int) -> Experiment:
    lesson = LESSONS["sequence_classification"]
    spec = lesson.spec.replace(**{**fields, "units": fields["units"] + extra_units})
    config = replace(lesson.config, seed=seed)
    return Experiment.of(lesson.dataset, lesson.dataset_options, spec, config)


def click(pool: JobPool, exp: Experiment) -> float:
    start = time.perf_counter()
    job = pool.wait(pool.submit(exp, "bench"), timeout=600)
    assert job.stop_reason == "completed", job.message
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--think", type=float, default=3.0, help="seconds from change to click")
    args = parser.parse_args()
    pool = JobPool(workers=2, recycle_mb=float("inf"))
    try:
        while not all(w.ready for w in pool._workers):
            time.sleep(0.1)
        plain, warmed = [], []
        print(f"{'change':<16} {'on the click':>13} {'warmed first':>13}")
        for k, (name, fields) in enumerate(TWEAKS):
            plain.append(click(pool, experiment(fields, 0, seed=100 + k)))
            exp = experiment(fields, 1, seed=200 + k)
            pool.warm(exp, keep=False)
            time.sleep(args.think)
            warmed.append(click(pool, exp))
            print(f"{name:<16} {plain[-1]:>12.2f}s {warmed[-1]:>12.2f}s", flush=True)
        a, b = statistics.median(plain), statistics.median(warmed)
        print(f"{'median':<16} {a:>12.2f}s {b:>12.2f}s   click→trained {a / b:.1f}× faster "
              f"when compiled on the change ({args.think:g} s before the click)")  # fmt: skip
    finally:
        pool.close()


if __name__ == "__main__":
    main()
