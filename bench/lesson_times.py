"""How long each default experiment of the seed-002/004 lessons takes on this machine.

Through the same job pool the app uses (its workers, one per core):
- the long-memory sweep at its defaults (4 lengths × 3 cells × 2 seeds), cold (nothing
  compiled) and after the page's warm-up (what a student who reads the page first gets);
- the sentiment page's two trainings (SimpleRNN and LSTM) and their held-out accuracy,
  for several seeds (the spread, not one lucky run);
- the gradient view (three models built and differentiated in the page's process).

Each figure is printed beside plain Keras doing the same training (``model.fit``) in
this process, so the ratio holds on a noisy shared machine. Quote medians.

Usage: python bench/lesson_times.py [--seeds 3] [--skip-keras]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from app import memory_lesson, sentiment_lesson  # noqa: E402
from lstm_core import datasets, gradients, models  # noqa: E402
from lstm_core.jobs import JobPool  # noqa: E402
from lstm_core.models import ModelSpec  # noqa: E402


def sweep_experiments(seeds: int) -> list:
    return [
        memory_lesson.experiment(
            cell, length, seed, memory_lesson.DEFAULT_UNITS, memory_lesson.DEFAULT_EPOCHS
        )  # fmt: skip
        for length in memory_lesson.DEFAULT_LENGTHS
        for seed in range(seeds)
        for cell in memory_lesson.CELLS
    ]


def run_all(pool: JobPool, experiments: list, owner: str) -> tuple[float, list]:
    start = time.monotonic()
    jobs = [pool.submit(exp, owner) for exp in experiments]
    for job in jobs:
        pool.wait(job, timeout=900)
    return time.monotonic() - start, jobs


def fresh_pool() -> JobPool:
    """A new pool whose workers have imported TensorFlow, as on a server that is up."""
    pool = JobPool()
    deadline = time.monotonic() + 120
    while not all(w.ready for w in pool._workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    return pool


def keras_fit_seconds(experiments: list) -> float:
    """The same trainings with plain ``model.fit``, one after another in this process."""
    start = time.monotonic()
    for exp in experiments:
        ds = exp.load()
        model = models.build(exp.spec, ds, seed=exp.config.seed)
        model.optimizer.learning_rate = exp.config.learning_rate
        model.fit(ds.x, ds.y, epochs=exp.config.epochs, batch_size=exp.config.batch_size,
                  verbose=0)  # fmt: skip
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="sentiment seeds (the spread)")
    parser.add_argument("--skip-keras", action="store_true", help="skip the model.fit figures")
    args = parser.parse_args()

    sweep = sweep_experiments(memory_lesson.DEFAULT_SEEDS)
    pool = fresh_pool()
    cold, jobs = run_all(pool, sweep, "cold")
    pool.close()
    pool = fresh_pool()
    memory_lesson_warm(pool)
    warm, _ = run_all(pool, sweep, "warm")
    pool.close()
    scores = {}
    for job in jobs:
        cell, length = job.experiment.spec.cell, dict(job.experiment.options)["length"]
        scores.setdefault((cell, length), []).append(job.held_out.get("accuracy", float("nan")))
    print(f"long-memory sweep, {len(sweep)} runs: cold {cold:.1f} s, after warm-up {warm:.1f} s")
    for (cell, length), accs in sorted(scores.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"  L={length:<4} {cell:<11} held-out accuracy {', '.join(f'{a:.2f}' for a in accs)}")

    options = {}
    pool = fresh_pool()
    for seed in range(args.seeds):
        config = replace(sentiment_lesson.CONFIG, seed=seed)
        exps = list(sentiment_lesson.experiments(options, sentiment_lesson.SPEC, config).values())
        seconds, done = run_all(pool, exps, f"sentiment-{seed}")
        accs = {j.experiment.spec.cell: j.held_out.get("accuracy") for j in done}
        train = {j.experiment.spec.cell: j.seconds for j in done}
        print(
            f"sentiment seed {seed}: both trained in {seconds:.1f} s (LSTM {train['lstm']:.1f} s "
            f"of training); held-out accuracy SimpleRNN {accs['simple_rnn']:.2f}, "
            f"LSTM {accs['lstm']:.2f}"
        )

    pool.close()
    times = []
    for length in memory_lesson.DEFAULT_LENGTHS:
        ds = datasets.load("long_memory", length=length, samples=64, held_out=0)
        start = time.monotonic()
        for cell in memory_lesson.CELLS:
            model = models.build(ModelSpec(cell=cell, units=memory_lesson.DEFAULT_UNITS), ds)
            gradients.step_gradients(model, ds.x, ds.y)
        times.append(time.monotonic() - start)
        print(f"gradient view L={length}: {times[-1]:.2f} s")

    if not args.skip_keras:
        fit = keras_fit_seconds(sweep)
        print(
            f"the same sweep with model.fit, one by one: {fit:.1f} s "
            f"(ratio to the pool after warm-up: {fit / warm:.1f}x)"
        )


def memory_lesson_warm(pool: JobPool) -> None:
    """What the page does while a student reads it: compile the default sweep's loops."""
    for length in memory_lesson.DEFAULT_LENGTHS:
        for cell in memory_lesson.CELLS:
            pool.warm(memory_lesson.experiment(cell, length, 0, memory_lesson.DEFAULT_UNITS,
                                               memory_lesson.DEFAULT_EPOCHS))  # fmt: skip
    deadline = time.monotonic() + 120
    while (pool._warm or any(w.warming for w in pool._workers)) and time.monotonic() < deadline:
        time.sleep(0.2)


if __name__ == "__main__":
    main()
