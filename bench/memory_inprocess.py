"""Resident memory of one long-lived process that trains many models through ``training.train``.

A classroom server trains for hours in one process. This prints the RSS growth (VmRSS after
``gc.collect()``) of:

- repeat: N trainings of one architecture (a fresh model each time, as a student clicking
  Train again), after one warm-up training; should stay flat.
- distinct: K trainings of K different architectures (units, cell, layers, dropout, batch
  size varied as students do); every one compiles a new training loop.

Each figure is given in total and over the last half of the run, where any warm-up effect
is gone: growth there that does not level off is memory the process never gets back.

Usage: python bench/memory_inprocess.py [--distinct 40] [--repeat 20] [--epochs 20]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CELLS = ("lstm", "gru", "simple_rnn")
BATCHES = (32, 4, 2)  # the lesson has 6 samples: larger batches are all one full batch


def rss_mb() -> float:
    """Resident set size after a full garbage collection, in MB."""
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def student_choice(i: int, epochs: int):
    """The i-th distinct (spec, config): units always differ, the rest varies as in class."""
    from lstm_core import models, training

    spec = models.ModelSpec(
        cell=CELLS[i % 3],
        units=16 + i,
        layers=1 + (i // 3) % 2,
        dropout=(0.0, 0.2)[(i // 6) % 2],
    )
    return spec, training.TrainConfig(epochs=epochs, batch_size=BATCHES[(i // 2) % 3])


def train_once(spec, config, dataset) -> None:
    from lstm_core import models, training

    model = models.build(spec, dataset, seed=0)
    training.train(model, dataset, config)


def measure(label: str, runs: list, dataset) -> None:
    """Train every (spec, config) of ``runs`` in turn; print the growth in total and late."""
    start = rss_mb()
    half = len(runs) // 2
    middle = start
    for i, (spec, config) in enumerate(runs):
        train_once(spec, config, dataset)
        if i + 1 == half:
            middle = rss_mb()
    end = rss_mb()
    total, late = end - start, end - middle
    late_n = len(runs) - half
    print(
        f"{label:<8} n={len(runs):<3} RSS {start:.0f} -> {end:.0f} MB: "
        f"{total:+.1f} MB total ({total / len(runs):+.2f}/run), "
        f"{late:+.1f} MB over the last {late_n} ({late / max(late_n, 1):+.2f}/run)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=40, help="distinct architectures (K)")
    parser.add_argument("--repeat", type=int, default=20, help="trainings of one architecture")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    from lstm_core import datasets, models, training

    dataset = datasets.load("sequence_classification")  # seed 000's lesson
    lru = getattr(training, "MAX_CACHED_LOOPS", "?")
    print(f"{dataset.name}: x {dataset.x.shape}, {args.epochs} epochs, loop LRU of {lru}")

    same = (models.ModelSpec(), training.TrainConfig(epochs=args.epochs))
    train_once(*same, dataset)  # warm-up: imports, first trace and compile
    if args.repeat:
        measure("repeat", [same] * args.repeat, dataset)
    if args.distinct:
        measure("distinct", [student_choice(i, args.epochs) for i in range(args.distinct)], dataset)


if __name__ == "__main__":
    main()
