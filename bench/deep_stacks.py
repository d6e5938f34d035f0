"""Seed 001's "stacking many LSTMs is not good": one LSTM layer against nine, over seeds.

The seed's wide data (13 windows up to [40, 50, 60] -> 70), LSTM(10, relu) and a head of
hidden Dense layers, trained with the lesson's settings (200 epochs, batch 1, Adam 1e-3)
through ``lstm_core.training.train``, as the app's workers train a Compare job. For each
depth and seed it prints the final loss, the answer to [25, 35, 45] (55 would be the
pattern), how training ended and how long it took (the first run of a depth compiles its
loop; the others find it compiled). The spread is the point: quote it, not one run.

``--head lesson`` (default): the lesson's Dense(10)-Dense(100)-Dense(10), as the Compare
page trains it; ``--head seed``: Dense(5), the head of the seed's own nine-LSTM script.

Usage: python bench/deep_stacks.py [--seeds 5] [--epochs 200] [--head lesson|seed]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lstm_core import models, predict, training  # noqa: E402
from lstm_core.lessons import LESSONS  # noqa: E402

DEPTHS = (1, 9)
EARLY = (10, 50)  # epochs at which the loss is printed too: deep stacks start slower
HEADS = {"lesson": {}, "seed": {"dense_units": 5, "dense_units_2": 0, "dense_units_3": 0}}


def run(depth: int, seed: int, epochs: int, head: str) -> dict:
    lesson = LESSONS["next_number_wide"]
    ds = lesson.load()
    spec = lesson.spec.replace(units=10, layers=depth, **HEADS[head])
    config = replace(lesson.config, epochs=epochs, seed=seed)
    tic = time.perf_counter()
    model = models.build(spec, ds, seed=seed)
    result = training.train(model, ds, config)
    wall = time.perf_counter() - tic
    answer = predict.predict(model, ds, lesson.example_input).value
    early = {e: result.history["loss"][e - 1] for e in EARLY if e <= result.epochs_run}
    return {"depth": depth, "seed": seed, "loss": result.history["loss"][-1], "early": early,
            "answer": answer, "end": result.stop_reason, "epochs": result.epochs_run,
            "seconds": wall, "params": model.count_params()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=LESSONS["next_number_wide"].config.epochs)
    parser.add_argument("--head", choices=tuple(HEADS), default="lesson")
    args = parser.parse_args()
    print(f"head {args.head}, {args.epochs} epochs, batch 1, seeds 0..{args.seeds - 1}")
    early = " | ".join(f"loss at {e}" for e in EARLY)
    print(f"| layers | seed | {early} | final loss | answer to [25, 35, 45] | end | epochs "
          "| seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for depth in DEPTHS:
        for seed in range(args.seeds):
            row = run(depth, seed, args.epochs, args.head)
            rows.append(row)
            early = " | ".join(f"{row['early'].get(e, float('nan')):.4g}" for e in EARLY)
            cells = [depth, seed, early, f"{row['loss']:.4g}", f"{row['answer']:.2f}", row["end"],
                     row["epochs"], f"{row['seconds']:.1f}"]  # fmt: skip
            print("| " + " | ".join(str(cell) for cell in cells) + " |", flush=True)
    for depth in DEPTHS:
        mine = [r for r in rows if r["depth"] == depth]
        losses, answers = [r["loss"] for r in mine], [r["answer"] for r in mine]
        warm = [r["seconds"] for r in mine[1:]] or [mine[0]["seconds"]]
        for e in EARLY:
            at = [r["early"][e] for r in mine if e in r["early"]]
            if at:
                print(f"{depth} layer(s): loss at epoch {e} median {statistics.median(at):.4g} "
                      f"({min(at):.4g} … {max(at):.4g})")  # fmt: skip
        print(f"{depth} layer(s), {mine[0]['params']} parameters: final loss median "
              f"{statistics.median(losses):.4g} ({min(losses):.4g} … {max(losses):.4g}), "
              f"answer median {statistics.median(answers):.2f} ({min(answers):.2f} … "
              f"{max(answers):.2f}); first run {mine[0]['seconds']:.1f} s (compiles), "
              f"then median {statistics.median(warm):.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
