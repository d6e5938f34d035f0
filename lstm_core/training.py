"""A fast training loop that streams per-epoch metrics, for a student waiting on Train.

The loop itself (``model.fit``'s bookkeeping replaced by many epochs inside one
XLA-compiled ``tf.while_loop``, cached per architecture) lives in
``lstm_core.training_loop``; ``TrainConfig`` and the validation split in
``lstm_core.training_config``. This module runs it in chunks and keeps the history.

Semantics follow ``model.fit``: shuffled mini-batches each epoch (the last one may be
smaller), Adam, RMSprop or SGD with Keras' defaults, the epoch's loss is the
sample-weighted mean of its batch losses, ``validation_split`` holds out the last samples
and measures them in inference mode after every epoch (``val_loss``, ``val_accuracy``),
``EarlyStopping(monitor="loss" or "val_loss", mode="min", min_delta=0)`` decides in-graph
at the end of each epoch, and training stops with a reason when the loss becomes NaN/inf or
explodes (more than ``EXPLODE_FACTOR`` times its first epoch). The trainer knows nothing
about pages or jobs: it reports through ``on_epoch(epoch, logs)`` (and, when asked,
``on_snapshot(epoch, weights)`` every k epochs) and asks ``should_stop()`` between chunks
of at most ~0.2 s.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lstm_core.datasets import Dataset
from lstm_core.training_config import OPTIMIZERS as OPTIMIZERS
from lstm_core.training_config import TrainConfig as TrainConfig
from lstm_core.training_config import split_validation as split_validation
from lstm_core.training_loop import _CACHE as _CACHE
from lstm_core.training_loop import EXPLODE_FACTOR as EXPLODE_FACTOR
from lstm_core.training_loop import MAX_CACHED_LOOPS as MAX_CACHED_LOOPS
from lstm_core.training_loop import MAX_CHUNK_EPOCHS as MAX_CHUNK_EPOCHS
from lstm_core.training_loop import MAX_SNAPSHOTS_PER_CALL as MAX_SNAPSHOTS_PER_CALL
from lstm_core.training_loop import PAD_BATCH_SAMPLES as PAD_BATCH_SAMPLES
from lstm_core.training_loop import _architecture_key as _architecture_key
from lstm_core.training_loop import _compiled_loop as _compiled_loop
from lstm_core.training_loop import _per_sample
from lstm_core.training_loop import batch_rows as batch_rows
from lstm_core.training_loop import exploded as exploded

CHUNK_SECONDS = 0.2  # how long one compiled call may run before we report and check Stop
MAX_SNAPSHOTS = 50  # weight copies kept per run, for replaying the gates across training
SNAPSHOT_BYTES = 16 * 2**20  # and at most this much memory for them


@dataclass
class TrainResult:
    """What a training run produced: the per-epoch history and why it ended."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_run: int = 0
    stop_reason: str = "completed"  # completed | early_stopping | stopped | nan | diverged
    message: str = ""
    seconds: float = 0.0


def train(
    model,
    dataset: Dataset,
    config: TrainConfig,
    on_epoch: Callable[[int, dict], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    snapshot_every: int | None = None,
    on_snapshot: Callable[[int, list[np.ndarray]], None] | None = None,
) -> TrainResult:
    """Train ``model`` (compiled by ``models.build``) on ``dataset``; the model keeps its weights.

    ``on_epoch(epoch, logs)`` is called for every epoch (0-based) with ``{"loss": ...}`` and,
    for classification, ``"accuracy"``. The model's variables receive the trained weights
    when ``train`` returns or raises (an exception in a callback leaves the model at the
    last chunk trained), not during training. With ``snapshot_every=k``,
    ``on_snapshot(epochs_done, weights)`` receives a copy of the weights (``weights_of``'s
    order) after every k-th epoch, kept by the compiled loop (after each chunk, for the
    epochs it trained).
    """
    _check_trainable(model, dataset)
    dataset, held_out = split_validation(dataset, config.validation_split)
    loop = _compiled_loop(model, dataset, config, held_out)
    state = loop.initial_state(model, config)
    rng = np.random.default_rng(config.seed)
    result = TrainResult(history={name: [] for name in loop.metric_names})
    start, chunk = time.perf_counter(), 2
    try:
        while result.epochs_run < config.epochs:
            if should_stop is not None and should_stop():
                return _finish(result, "stopped", "Stopped by request.", start)
            n = min(chunk, config.epochs - result.epochs_run, MAX_CHUNK_EPOCHS)
            every = snapshot_every if on_snapshot else 0
            if every:  # at most MAX_SNAPSHOTS_PER_CALL snapshots fall in one call
                n = min(n, every - result.epochs_run % every + (MAX_SNAPSHOTS_PER_CALL - 1) * every)
            tic = time.perf_counter()
            state, logs, done, reason, kept = loop.run(state, dataset, held_out, rng, n, config,
                                                       every)  # fmt: skip
            chunk = _next_chunk(n, done, time.perf_counter() - tic)
            for logs_e in logs[:done]:
                epoch = result.epochs_run
                for name, value in logs_e.items():
                    result.history[name].append(value)
                result.epochs_run += 1
                if on_epoch is not None:
                    on_epoch(epoch, logs_e)
            for epoch, values in kept:
                on_snapshot(epoch, loop.cut(model, values))
            if reason is not None:
                return _finish(result, reason, _stop_message(reason, result, config), start)
        return _finish(result, "completed", f"Trained {result.epochs_run} epochs.", start)
    finally:  # once, not per chunk (a copy into every variable cost ~40 % of a short run)
        loop.write_back(model, state)


def evaluate(model, dataset: Dataset) -> dict[str, float]:
    """Loss (and accuracy for classes) of ``model`` on ``dataset`` in inference mode.

    The same numbers as ``model.evaluate`` with the compiled loss and categorical accuracy
    (the mean over samples), computed in one call instead of Keras' batched loop.
    """
    import keras

    pred = model(dataset.x, training=False)
    per_sample = _per_sample(keras.losses.get(model.loss)(dataset.y, pred))
    scores = {"loss": float(np.mean(np.asarray(per_sample)))}
    if dataset.task != "regression":
        pred = np.asarray(pred)
        right = (pred.argmax(-1) == dataset.y.argmax(-1)).astype(np.float32)
        scores["accuracy"] = float(right.mean())
    return scores


def snapshot_interval(epochs: int, weight_bytes: int = 0) -> int:
    """Keep the weights every k epochs: at most MAX_SNAPSHOTS copies and SNAPSHOT_BYTES."""
    by_count = math.ceil(epochs / MAX_SNAPSHOTS)
    by_bytes = math.ceil(epochs * weight_bytes / SNAPSHOT_BYTES)
    return max(1, by_count, by_bytes)


def weights_of(model) -> list[np.ndarray]:
    """Every variable of the model (trainable, then the rest) as numpy copies."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    return [np.array(v.numpy()) for v in variables]


def set_weights(model, weights: list[np.ndarray]) -> None:
    """Load ``weights_of`` output into a model of the same architecture."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    if len(variables) != len(weights):
        raise ValueError("These weights belong to a model of another architecture.")
    for variable, value in zip(variables, weights, strict=True):
        variable.assign(value)


def warm_up(spec, dataset: Dataset, config: TrainConfig) -> None:
    """Compile the training loop of ``spec`` on ``dataset`` without training anything.

    A worker calls this for each lesson's default settings, so the first Train click of
    the class finds the loop compiled instead of waiting seconds for XLA.
    """
    from lstm_core import models

    model = models.build(spec, dataset, seed=config.seed)
    dataset, held_out = split_validation(dataset, config.validation_split)
    loop = _compiled_loop(model, dataset, config, held_out)
    state = loop.initial_state(model, config)
    loop.run(state, dataset, held_out, np.random.default_rng(0), 0, config, 1)


def _finish(result: TrainResult, reason: str, message: str, start: float) -> TrainResult:
    result.stop_reason, result.message = reason, message
    result.seconds = time.perf_counter() - start
    return result


def _stop_message(reason: str, result: TrainResult, config: TrainConfig) -> str:
    epoch, losses = result.epochs_run, result.history["loss"]
    if reason == "early_stopping":
        return f"Early stopping: the loss did not improve for {config.patience} epochs."
    if reason == "diverged":
        return (
            f"Training stopped at epoch {epoch}: the loss grew from {losses[0]:.3g} to "
            f"{losses[-1]:.3g} — lower the learning rate or scale the data, then train again."
        )
    return (
        f"Training stopped at epoch {epoch}: the loss became NaN or infinite. "
        "Lower the learning rate or scale the data, then train again."
    )


def _next_chunk(n: int, done: int, seconds: float) -> int:
    """Size the next call so that it takes about CHUNK_SECONDS."""
    per_epoch = seconds / max(done, 1)
    return int(np.clip(CHUNK_SECONDS / max(per_epoch, 1e-6), 1, MAX_CHUNK_EPOCHS))


def _check_trainable(model, dataset: Dataset) -> None:
    if getattr(model, "loss", None) is None:
        raise ValueError("The model is not compiled; build it with models.build().")
    if dataset.x.shape[0] == 0:
        raise ValueError("The dataset has no samples to train on.")
    if not np.all(np.isfinite(dataset.x)) or not np.all(np.isfinite(dataset.y)):
        raise ValueError("The data contains NaN or infinite values; remove them first.")
