"""Does fitting the scaler on all the data (the test part too) change the test error?

Seed 003 says "학습데이터만 스케일 변환에 사용한다": fit the scaler on the training data only.
This trains the next-number page's default model (seed 001's LSTM(10, relu) + Dense(5)
+ Dense(1), Adam 1e-3, batch 1, 100 epochs) on the shipped monthly_values.csv, the last
20 % of the windows held out as the test part, once with the scaler fitted on the
training windows only and once on every value, for several seeds, and prints the test
error in visitors (MAE and RMSE of the number after each test window).

Usage: python bench/scaler_leakage.py [--seeds 10] [--window 3] [--scaling minmax]
                                      [--column visitors] [--every-step] [--epochs 100]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lstm_core import csv_data, datasets, models, predict, training  # noqa: E402
from lstm_core.models import ModelSpec  # noqa: E402
from lstm_core.training import TrainConfig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--window", type=int, default=3)
    parser.add_argument("--scaling", default="minmax", choices=("minmax", "standard"))
    parser.add_argument("--column", default="visitors")
    parser.add_argument("--extra", default="", help="another column as a second feature")
    parser.add_argument("--every-step", action="store_true")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--test-share", type=float, default=0.2)
    args = parser.parse_args()
    table = csv_data.read_csv((ROOT / csv_data.EXAMPLE).read_bytes())
    series = csv_data.series_text(table.numbers[args.column])
    extra = ((args.extra, csv_data.series_text(table.numbers[args.extra])),) if args.extra else ()
    spec = ModelSpec(cell="lstm", units=10, activation="relu", dense_units=5)
    print(f"{args.column}, window {args.window}, {args.scaling}, extra {args.extra or '-'}, "
          f"every step {args.every_step}, {args.epochs} epochs, "
          f"test share {args.test_share}")  # fmt: skip
    found: dict[str, list[float]] = {"train": [], "all": []}
    for fit in ("train", "all"):
        ds = datasets.load("next_number", series=series, window_size=args.window,
                           scaling=args.scaling, scaler_fit=fit, test_share=args.test_share,
                           extra_features=extra, series_name=args.column,
                           every_step=args.every_step)  # fmt: skip
        held = ds.held_out
        lo, hi = float(np.min(ds.raw_y)), float(np.max(ds.raw_y))
        print(f"fit={fit}: {len(ds.x)} training windows (targets {lo:g}..{hi:g}), "
              f"{len(held.x)} test windows (targets {min(held.targets()):g}.."
              f"{max(held.targets()):g}); scaler offset {ds.scaler.offset:g}, "
              f"scale {ds.scaler.scale:.4g}")  # fmt: skip
    heads = (("seed", 4), ("MAE train-fit", 14), ("MAE all-fit", 12), ("RMSE train", 11),
             ("RMSE all", 9))  # fmt: skip
    print(" ".join(f"{head:>{width}}" for head, width in heads))
    rmse: dict[str, list[float]] = {"train": [], "all": []}
    for seed in range(args.seeds):
        row = []
        for fit in ("train", "all"):
            ds = datasets.load("next_number", series=series, window_size=args.window,
                               scaling=args.scaling, scaler_fit=fit, test_share=args.test_share,
                               extra_features=extra, series_name=args.column,
                               every_step=args.every_step)  # fmt: skip
            model = models.build(spec, ds, seed=seed)
            config = TrainConfig(epochs=args.epochs, batch_size=1, learning_rate=1e-3, seed=seed)
            training.train(model, ds, config)
            err = predict.held_out_error(model, ds)
            found[fit].append(err.mae)
            rmse[fit].append(err.rmse)
            row.append(err)
        print(f"{seed:>4} {row[0].mae:>14.1f} {row[1].mae:>12.1f} {row[0].rmse:>11.1f} "
              f"{row[1].rmse:>9.1f}", flush=True)  # fmt: skip
    for fit in ("train", "all"):
        mae = np.asarray(found[fit])
        print(
            f"fit={fit}: MAE mean {mae.mean():.1f}, median {np.median(mae):.1f}, "
            f"min {mae.min():.1f}, max {mae.max():.1f}; RMSE mean {np.mean(rmse[fit]):.1f}"
        )
    diff = np.asarray(found["all"]) - np.asarray(found["train"])
    print(
        f"all-fit minus train-fit MAE per seed: mean {diff.mean():+.1f}, "
        f"{int((diff < 0).sum())} of {diff.size} seeds lower with leakage"
    )


if __name__ == "__main__":
    main()
