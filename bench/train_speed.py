"""Train the seed lessons with plain ``model.fit`` (as the blogs do) and with ``train()``.

Same data, same architecture, same number of gradient steps, in the same run; prints
medians and the ratio plain/ours, warm and cold, and the final quality side by side.

- warm: what a student sees on a second Train click with the same settings: a fresh
  model of the same spec in a process that has trained that spec before.
- cold: the first click: a new Python process, TensorFlow already imported, and the
  time from building the model to the end of training (tracing/compilation included).
- tweaks: a student's loop on the seed-000 lesson: the default, then ten single changes
  in a row (units, cell, layers, dropout, batch size, ...), each a fresh model in one
  process: the first click of each setting, a second click, and plain ``model.fit``.

Usage: python bench/train_speed.py [--repeats 3] [--cold-repeats 3] [--tweaks-only]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

LESSONS = ("sequence_classification", "next_number")


def plain_keras_model(key: str):
    """The seed's own Keras code, verbatim in structure."""
    import keras

    if key == "sequence_classification":
        model = keras.Sequential(
            [
                keras.Input(shape=(None, 1)),
                keras.layers.LSTM(128, dropout=0.2, recurrent_dropout=0.2),
                keras.layers.Dense(4, activation="sigmoid"),
            ]
        )
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        return model
    model = keras.Sequential(
        [
            keras.Input(shape=(3, 1)),
            keras.layers.LSTM(10, activation="relu"),
            keras.layers.Dense(5),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def run_once(key: str, way: str, seed: int = 0) -> dict:
    """Build a fresh model and train it one way; return seconds and quality."""
    import numpy as np

    from lstm_core import lessons, models, training

    lesson = lessons.LESSONS[key]
    ds = lesson.load()
    cfg = lesson.config
    tic = time.perf_counter()
    if way == "keras":
        model = plain_keras_model(key)
        hist = model.fit(ds.x, ds.y, epochs=cfg.epochs, batch_size=cfg.batch_size, verbose=0)
        loss = hist.history["loss"][-1]
    else:
        model = models.build(lesson.spec, ds, seed=seed)
        result = training.train(model, ds, cfg)
        loss = result.history["loss"][-1]
    seconds = time.perf_counter() - tic
    pred = np.asarray(model(ds.x, training=False))
    out = {"seconds": seconds, "loss": float(loss)}
    if ds.task == "classification":
        out["accuracy"] = float(np.mean(pred.argmax(1) == ds.y.argmax(1)))
        out["prediction"] = str(pred.argmax(1).tolist())
    else:
        out["prediction"] = f"{ds.decode(np.asarray(model(ds.encode(lesson.example_input)))):.2f}"
    return out


def cold(key: str, way: str) -> dict:
    """One first click in a new process (import TensorFlow before the clock starts)."""
    code = (
        f"import json, sys, keras; sys.path.insert(0, {str(ROOT)!r}); "
        "from bench.train_speed import run_once; "
        f"print('RESULT', json.dumps(run_once({key!r}, {way!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT"))
    return json.loads(line.split(" ", 1)[1])


def median_of(runs: list[dict]) -> dict:
    best = {"seconds": statistics.median(r["seconds"] for r in runs)}
    best["loss"] = statistics.median(r["loss"] for r in runs)
    if "accuracy" in runs[0]:
        best["accuracy"] = statistics.median(r["accuracy"] for r in runs)
    best["prediction"] = runs[-1]["prediction"]
    return best


# Each entry changes one setting of the one before it (the lesson default comes first).
TWEAKS = (
    ("lesson default (LSTM 128, dropout 0.2/0.2, batch 32)", {}, {}),
    ("units 128 -> 64", {"units": 64}, {}),
    ("units 64 -> 32", {"units": 32}, {}),
    ("cell LSTM -> GRU", {"cell": "gru"}, {}),
    ("cell GRU -> SimpleRNN", {"cell": "simple_rnn"}, {}),
    ("layers 1 -> 2", {"layers": 2}, {}),
    ("dropout 0.2 -> 0.5", {"dropout": 0.5}, {}),
    ("recurrent dropout 0.2 -> 0.5", {"recurrent_dropout": 0.5}, {}),
    ("activation tanh -> relu", {"activation": "relu"}, {}),
    ("batch size 32 -> 1", {}, {"batch_size": 1}),
    ("batch size 1 -> 4", {}, {"batch_size": 4}),
)


def tweak_sequence(fit: bool = True) -> list[dict]:
    """Time Train -> trained for each tweak of the seed-000 lesson, in this one process."""
    import dataclasses

    from lstm_core import lessons, models, training

    lesson = lessons.LESSONS["sequence_classification"]
    ds, spec, cfg = lesson.load(), lesson.spec, lesson.config
    rows = []
    for label, spec_change, cfg_change in TWEAKS:
        spec = spec.replace(**spec_change)
        cfg = dataclasses.replace(cfg, **cfg_change)
        row = {"label": label}
        for name, seed in (("first", 0), ("again", 1)):  # a fresh model each click
            tic = time.perf_counter()
            model = models.build(spec, ds, seed=seed)
            training.train(model, ds, dataclasses.replace(cfg, seed=seed))
            row[name] = time.perf_counter() - tic
        row["fit"] = math.nan
        if fit:
            tic = time.perf_counter()
            model = models.build(spec, ds, seed=0)
            model.fit(ds.x, ds.y, epochs=cfg.epochs, batch_size=cfg.batch_size, verbose=0)
            row["fit"] = time.perf_counter() - tic
        rows.append(row)
        print(f"  {label:<52} first {row['first']:6.2f} s | again {row['again']:5.2f} s | "
              f"model.fit {row['fit']:6.2f} s", flush=True)  # fmt: skip
    return rows


def report_tweaks(rows: list[dict]) -> None:
    changes = rows[1:]  # the single changes; the default's first click is the cold start
    print("== tweak sequence, the ten single changes (seconds) ==")
    for name in ("first", "again", "fit"):
        values = [r[name] for r in changes]
        if any(math.isnan(v) for v in values):
            continue
        print(f"  {name:>6}: median {statistics.median(values):6.2f}   worst {max(values):6.2f}")
    if not any(math.isnan(r["fit"]) for r in changes):
        ratio = statistics.median(r["fit"] / r["first"] for r in changes)
        print(f"  model.fit / first click: median ratio {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold-repeats", type=int, default=3)
    parser.add_argument("--tweaks-only", action="store_true", help="only the tweak sequence")
    parser.add_argument("--no-fit", action="store_true", help="tweaks without model.fit")
    args = parser.parse_args()
    print("== tweak sequence on the seed-000 lesson: first click, again, plain model.fit ==")
    report_tweaks(tweak_sequence(fit=not args.no_fit))
    if args.tweaks_only:
        return
    for key in LESSONS:
        cold_runs = {"keras": [], "ours": []}
        for _ in range(args.cold_repeats):  # interleaved, so machine noise hits both
            for way in cold_runs:
                cold_runs[way].append(cold(key, way))
        run_once(key, "ours")  # compile once in this process, then measure warm
        run_once(key, "keras")
        warm_runs = {"keras": [], "ours": []}
        for i in range(args.repeats):
            for way in warm_runs:
                warm_runs[way].append(run_once(key, way, seed=i))
        report(key, {w: median_of(r) for w, r in cold_runs.items()},
               {w: median_of(r) for w, r in warm_runs.items()})  # fmt: skip


def report(key: str, cold_m: dict, warm_m: dict) -> None:
    print(f"\n== {key}: plain model.fit vs lstm_core.training.train (medians) ==")
    for name, m in (("warm", warm_m), ("cold", cold_m)):
        k, o = m["keras"], m["ours"]
        print(
            f"{name:>5}: keras {k['seconds']:7.3f} s | ours {o['seconds']:7.3f} s | "
            f"ratio {k['seconds'] / o['seconds']:6.1f}x"
        )
    for way in ("keras", "ours"):
        m = warm_m[way]
        acc = f" accuracy {m['accuracy']:.2f}" if "accuracy" in m else ""
        print(f"  {way:>5} final loss {m['loss']:.4f}{acc} prediction {m['prediction']}")


if __name__ == "__main__":
    main()
