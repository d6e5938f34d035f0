"""How fast lstm_core.trace replays a layer, against Keras running the same layer.

Traces a 128-unit layer over 100 steps (batch 1, 1 feature) and, in the same run,
times the layer's own eager call `layer(x)` and `model.predict(x)`. Prints the
median of each over the repeats and the ratios. Target: LSTM trace <= 20 ms.

    .venv/bin/python bench/trace_speed.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import keras  # noqa: E402
import numpy as np  # noqa: E402

from lstm_core import trace  # noqa: E402

UNITS, STEPS, FEATURES = 128, 100, 1
TARGET_MS = 20.0


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up: tracing, graph building, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def bench_layer(make: Callable[[], keras.layers.Layer], repeats: int) -> dict[str, float]:
    x = np.random.default_rng(0).normal(size=(1, STEPS, FEATURES)).astype("float32")
    layer = make()
    model = keras.Sequential([keras.Input((STEPS, FEATURES)), layer])
    return {
        "trace": median_ms(lambda: trace.trace_layer(layer, x), repeats),
        "eager": median_ms(lambda: layer(x), repeats),
        "predict": median_ms(lambda: model.predict(x, verbose=0), repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    layers = {
        "LSTM": lambda: keras.layers.LSTM(UNITS, return_sequences=True),
        "GRU": lambda: keras.layers.GRU(UNITS, return_sequences=True),
        "SimpleRNN": lambda: keras.layers.SimpleRNN(UNITS, return_sequences=True),
    }
    print(f"{UNITS} units, {STEPS} steps, batch 1, {FEATURES} feature; median of {args.repeats}")
    print(
        f"{'layer':<10}{'trace ms':>10}{'layer(x) ms':>13}{'predict ms':>12}"
        f"{'trace/eager':>13}{'trace/predict':>15}"
    )
    for name, make in layers.items():
        r = bench_layer(make, args.repeats)
        print(
            f"{name:<10}{r['trace']:>10.2f}{r['eager']:>13.2f}{r['predict']:>12.2f}"
            f"{r['trace'] / r['eager']:>13.3f}{r['trace'] / r['predict']:>15.3f}"
        )
        if name == "LSTM":
            verdict = "within" if r["trace"] <= TARGET_MS else "OVER"
            print(f"  LSTM trace {r['trace']:.2f} ms: {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
