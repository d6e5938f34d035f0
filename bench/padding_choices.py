"""Held-out accuracy of the sentiment lesson under each padding choice, over several seeds.

The sentiment page trains one model per choice (padding pre/post × truncating pre/post ×
mask off/on) with the same settings and shows each one's held-out accuracy. This prints,
for each cell and max length, the mean and the range over seeds of that accuracy, so the
page's sentence about the effect is measured, not hoped for.

Usage: python bench/padding_choices.py [--seeds 5] [--maxlen 16 6] [--cells lstm simple_rnn]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lstm_core import models, padding, text, training  # noqa: E402
from lstm_core.models import ModelSpec  # noqa: E402
from lstm_core.training import TrainConfig  # noqa: E402

SPEC = ModelSpec(cell="lstm", units=32, embedding_dim=32)  # app/sentiment_lesson.py
CONFIG = TrainConfig(epochs=10, batch_size=32, learning_rate=0.005, seed=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--maxlen", type=int, nargs="+", default=[16, 6])
    parser.add_argument("--cells", nargs="+", default=["lstm", "simple_rnn"])
    args = parser.parse_args()
    tic = time.perf_counter()
    for cell in args.cells:
        for maxlen in args.maxlen:
            base = text.sentiment(maxlen=maxlen)
            print(f"\n{cell}, maxlen {maxlen}: {text.cut_sentences(base)} training and "
                  f"{text.cut_sentences(base.held_out)} held-out sentences are cut")  # fmt: skip
            for choice in padding.choices(padding.anything_cut(base)):
                ds = text.sentiment(maxlen=maxlen, **choice.options())
                scores = []
                for seed in range(args.seeds):
                    model = models.build(SPEC.replace(cell=cell), ds, seed)
                    training.train(model, ds, replace(CONFIG, seed=seed))
                    scores.append(training.evaluate(model, ds.held_out)["accuracy"])
                print(f"  {choice.label:34s} mean {statistics.mean(scores):.3f}  "
                      f"min {min(scores):.3f}  max {max(scores):.3f}  "
                      f"[{' '.join(f'{s:.2f}' for s in scores)}]")  # fmt: skip
    print(f"\n{time.perf_counter() - tic:.0f} s")


if __name__ == "__main__":
    main()
