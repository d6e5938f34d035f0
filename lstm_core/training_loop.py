"""The compiled training loop: many epochs in one XLA call, cached per architecture.

``model.fit`` spends ~50 ms of Python bookkeeping per epoch; on the tutorials' tiny data
that is nearly all of the time. Here many epochs run inside one XLA-compiled
``tf.while_loop``, with the weights travelling as arguments (Keras 3's
``stateless_call``; the optimizers are written out in ``lstm_core.optimizers`` with Keras'
exact updates, because the TensorFlow backend refuses ``optimizer.stateless_apply``).
The compiled loop is cached per
architecture, so a fresh model of the same spec reuses it: a second Train click with the
same settings compiles nothing. What a student moves most often costs no compile either:
dropout rates reach the graph as arguments (only "dropout or none" is part of the
architecture), and on data of at most ``PAD_BATCH_SAMPLES`` samples every batch size
runs in one loop whose batches are padded to the whole data with zero weights. The loop
is written with explicit ``tf.while_loop``/``tf.where`` and traced without AutoGraph
(converting Keras' own code took ~1.5 s of every new architecture's first click), and
XLA's compiled programs are kept on disk (``lstm_core.xla_cache``), so an architecture
compiled once, by anyone, before a restart or in another worker, is not compiled again.

``lstm_core.training.train`` drives it: ``_compiled_loop`` finds or builds the loop of a
model's architecture, ``_Loop.run`` trains up to n epochs in one call and returns their
metrics and, when the graph decided to stop, why (early stopping, NaN, divergence).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

import numpy as np

from lstm_core import activation_choice, optimizers, padded_units
from lstm_core.datasets import Dataset
from lstm_core.dropout_rates import RATE_ATTRIBUTES
from lstm_core.dropout_rates import rate_slots as _rate_slots
from lstm_core.dropout_rates import rates as _rates
from lstm_core.dropout_rates import rates_as_arguments as _rates_as_arguments
from lstm_core.training_config import TrainConfig

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

MAX_CHUNK_EPOCHS = 256  # static size of the per-call epoch buffer
# Weight snapshots one call keeps (every k-th epoch, in the graph): a run with 50 of them
# is 7 calls, not 50 (each call costs ~4 ms of its own, more than the lesson's 4 epochs).
MAX_SNAPSHOTS_PER_CALL = 8
EXPLODE_FACTOR = 1e6  # a loss this many times its first epoch's is a diverged run
PAD_BATCH_SAMPLES = 32  # data this small trains every batch size in one compiled loop
MAX_CACHED_LOOPS = 32  # compiled architectures kept for a classroom; the oldest goes first
_CACHE: OrderedDict[tuple, _Loop] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _compiled_loop(
    model, dataset: Dataset, config: TrainConfig, held_out: Dataset | None = None
) -> _Loop:
    """The loop of ``model``'s architecture: its own, one compiled for a little more units
    (``lstm_core.padded_units``), or a new one compiled now."""
    key = _architecture_key(model, dataset, config, held_out)
    with _CACHE_LOCK:
        loop = _CACHE.get(key) or _wider_loop(key, config.epochs)
        if loop is None:
            loop = _CACHE[key] = _Loop(model, dataset, config, held_out)
            while len(_CACHE) > MAX_CACHED_LOOPS:
                _CACHE.popitem(last=False)
        _CACHE.move_to_end(loop.key)
    return loop


def _wider_loop(key: tuple, epochs: int) -> _Loop | None:
    """The cheapest cached loop of the same architecture compiled for more units that may
    train this one: within ``padded_units.fits``, and quick enough once timed."""
    family, needed = key[:-1], key[-1]
    wider = [
        loop
        for other, loop in _CACHE.items()
        if other[:-1] == family
        and padded_units.fits(needed, other[-1])
        and (loop.epoch_seconds is None or loop.epoch_seconds * epochs < padded_units.REUSE_SECONDS)
    ]
    return min(wider, key=lambda loop: sum(u * u for u in loop.key[-1]), default=None)


def _architecture_key(
    model, dataset: Dataset, config: TrainConfig, held_out: Dataset | None = None
) -> tuple:
    """Everything the compiled graph depends on; weights, lr, seeds and rates are arguments.

    The recurrent layers' units come last, so that ``_wider_loop`` finds the loops of the
    same architecture with other units.

    A dropout rate counts only as "some or none": a rate above 0 draws masks (a different
    graph), its value is a number fed to the graph.
    """
    import json

    from lstm_core import models

    def strip(obj):  # names, seeds and the shapes between layers (they follow from the rest)
        if isinstance(obj, dict):
            tensor = "keras_history" in obj
            return {k: strip(v) for k, v in obj.items()
                    if k not in ("name", "seed") and not (tensor and k == "shape")}  # fmt: skip
        if isinstance(obj, list | tuple):
            return [strip(v) for v in obj]
        return obj

    layout = strip(model.get_config())
    for layer in layout.get("layers", []):  # the layers whose rates _rate_slots feeds
        layer.pop("build_config", None)  # input shapes: they follow from the layers before
        if layer.get("class_name") in models.RECURRENT_LAYERS:
            layer["config"].pop("units")  # the last part of the key (padded_units)
            layer["config"].pop("activation")  # an argument (activation_choice)
            for attr in RATE_ATTRIBUTES:
                layer["config"][attr] = layer["config"][attr] > 0
    arch = json.dumps(layout, sort_keys=True, default=str)
    shapes = (dataset.x.shape, dataset.y.shape, batch_rows(dataset.x.shape[0], config.batch_size))
    validation = None if held_out is None else (held_out.x.shape, config.monitor)
    widths = padded_units.widths(model)
    return (arch, str(model.loss), dataset.task, shapes, config.optimizer, validation, widths)


def batch_rows(samples: int, batch_size: int) -> int:
    """Rows of one compiled batch: all samples on tiny data (any batch size fits), else the batch.

    On tiny data a batch of b < rows samples is the b real rows followed by padding rows of
    weight 0, so changing the batch size reuses the compiled loop.
    """
    return samples if samples <= PAD_BATCH_SAMPLES else min(batch_size, samples)


class _Loop:
    """One XLA-compiled training loop; any model with the same architecture can use it."""

    def __init__(self, template, dataset: Dataset, config: TrainConfig, held_out=None):
        import keras

        self.template = template
        self.loss_fn = keras.losses.get(template.loss)
        self.classify = dataset.task != "regression"
        self.metric_names = ["loss", "accuracy"] if self.classify else ["loss"]
        self.validate = held_out is not None  # val_loss (and val_accuracy) after every epoch
        if self.validate:
            self.metric_names += [f"val_{name}" for name in self.metric_names]
        self.watch_validation = config.monitor == "val_loss"
        self.update = optimizers.UPDATES[config.optimizer]
        self.n = int(dataset.x.shape[0])
        self.rows = batch_rows(self.n, config.batch_size)  # static rows of one batch
        self.slots = _rate_slots(template)
        self.key = _architecture_key(template, dataset, config, held_out)
        self.epoch_seconds: float | None = None  # timed on a run: is it worth reusing padded?
        self.timed = False  # the first call compiles: its time says nothing
        self._fn = self._make_fn()

    # -- state in and out -------------------------------------------------------------

    def _pair(self, model) -> tuple[int, int]:
        """(the model's units, this loop's units): they differ when it runs padded."""
        needed, compiled = padded_units.widths(model), self.key[-1]
        return (needed[0], compiled[0]) if needed else (0, 0)

    def initial_state(self, model, config: TrainConfig) -> dict:
        import tensorflow as tf

        u, up = self._pair(model)
        template = self.template

        def grown(value, like) -> tf.Tensor:  # the model's array in this loop's shape
            return tf.constant(padded_units.pad(np.asarray(value), like.shape, u, up))

        pairs = list(zip(model.trainable_variables, template.trainable_variables, strict=True))
        trainable = [grown(v.value, t) for v, t in pairs]
        # 1 on the model's weights, 0 on the padding (whose gradient is dropped)
        masks = [grown(np.ones(v.shape, np.float32), t) for v, t in pairs]
        opt = {
            "iteration": tf.constant(0.0, tf.float32),
            "learning_rate": tf.constant(config.learning_rate, tf.float32),
            "momentum": [tf.zeros_like(w) for w in trainable],
            "velocity": [tf.zeros_like(w) for w in trainable],
        }
        non_trainable = []
        for i, (v, t) in enumerate(zip(model.non_trainable_variables,
                                       template.non_trainable_variables, strict=True)):  # fmt: skip
            if "seed_generator" in v.path:  # dropout masks follow the run's seed
                non_trainable.append(tf.constant([config.seed, 7919 * (i + 1)], v.dtype))
            else:
                non_trainable.append(grown(v.value, t))
        return {
            "trainable": trainable,
            "non_trainable": non_trainable,
            "optimizer": opt,
            "best": tf.constant(np.inf, tf.float32),
            "first": tf.constant(np.nan, tf.float32),  # the first epoch's loss
            "wait": tf.constant(0, tf.int32),
            "epoch": tf.constant(0, tf.int32),
            "rates": tf.constant(_rates(model, self.slots)),  # (slots, 3) rate, 1/(1-rate), width
            "masks": masks,
            "activation": tf.constant(activation_choice.index_of(model), tf.int32),
        }

    def weights(self, model, state: dict) -> list[np.ndarray]:
        """The model's weights as ``state`` holds them (``training.weights_of``'s order)."""
        return self.cut(model, [*state["trainable"], *state["non_trainable"]])

    def cut(self, model, values: list) -> list[np.ndarray]:
        """Arrays in this loop's shapes (trainable, then the rest) cut to the model's own."""
        u, up = self._pair(model)
        variables = [*model.trainable_variables, *model.non_trainable_variables]
        return [np.array(padded_units.cut(np.asarray(value), var.shape, u, up))
                for var, value in zip(variables, values, strict=True)]  # fmt: skip

    def write_back(self, model, state: dict) -> None:
        variables = [*model.trainable_variables, *model.non_trainable_variables]
        for var, value in zip(variables, self.weights(model, state), strict=True):
            var.assign(value)

    # -- one call: up to n epochs ------------------------------------------------------

    def run(self, state: dict, dataset: Dataset, held_out, rng, n: int, config: TrainConfig,
            snapshot_every: int = 0):  # fmt: skip
        """Up to ``n`` epochs in one call: (state, logs, epochs done, stop reason, snapshots).

        With ``snapshot_every=k``, the weights after every epoch that ends a multiple of k
        (counted over the run) come back as (epoch, arrays in this loop's shapes), at most
        ``MAX_SNAPSHOTS_PER_CALL``: the caller keeps ``n`` within that.
        """
        import tensorflow as tf

        tic = time.perf_counter()
        order = self._orders(rng, n, config.shuffle)
        batch = min(config.batch_size, self.n)
        patience = config.patience if config.patience is not None else 2**30
        val = held_out if held_out is not None else dataset  # unused without validation
        out = self._fn(
            state, tf.constant(dataset.x), tf.constant(dataset.y), order,
            tf.constant(batch, tf.int32), tf.constant(n, tf.int32), tf.constant(patience, tf.int32),
            tf.constant(EXPLODE_FACTOR, tf.float32), tf.constant(val.x), tf.constant(val.y),
            tf.constant(snapshot_every, tf.int32),
        )  # fmt: skip
        state, metrics, done, stop, kept, kept_epochs, count = out
        done, stop, count = int(done), int(stop), int(count)
        kept = [buffer.numpy() for buffer in kept] if count else []
        snapshots = [(int(epoch), [buffer[i] for buffer in kept])
                     for i, epoch in enumerate(kept_epochs.numpy()[:count])]  # fmt: skip
        if done:  # after the first call (which compiles): is a padded reuse quick?
            seconds = (time.perf_counter() - tic) / done
            self.epoch_seconds = seconds if self.timed else self.epoch_seconds
            self.timed = True
        metrics = metrics.numpy()  # (MAX_CHUNK_EPOCHS, 4): loss, accuracy, val_loss, val_acc.
        columns = {"loss": 0, "accuracy": 1, "val_loss": 2, "val_accuracy": 3}
        logs = [
            {name: float(metrics[e, columns[name]]) for name in self.metric_names}
            for e in range(done)
        ]
        reason = {0: None, 1: "early_stopping", 2: "nan", 3: "diverged"}[stop]
        return state, logs, done, reason, snapshots

    def _orders(self, rng: np.random.Generator, n: int, shuffle: bool) -> np.ndarray:
        """(MAX_CHUNK_EPOCHS, samples): the sample order of each epoch (the graph cuts batches)."""
        order = np.zeros((MAX_CHUNK_EPOCHS, self.n), np.int32)
        for e in range(n):
            order[e] = rng.permutation(self.n) if shuffle else np.arange(self.n)
        return order

    # -- the graph ---------------------------------------------------------------------

    def _make_fn(self):
        import tensorflow as tf

        step = self._make_step()

        def run_epochs(state, x, y, order, batch, n, patience, explode_factor, x_val, y_val,
                       snapshot_every):  # fmt: skip
            steps = (self.n + batch - 1) // batch  # ceil: the last batch may be smaller
            col = tf.range(self.rows)
            weights = [*state["trainable"], *state["non_trainable"]]
            kept = [tf.zeros((MAX_SNAPSHOTS_PER_CALL, *w.shape), w.dtype) for w in weights]
            kept_epochs = tf.zeros((MAX_SNAPSHOTS_PER_CALL,), tf.int32)

            def rows_of(e, s):
                """Indices and weights of batch s of epoch e (padding rows: sample 0, weight 0)."""
                pos = s * batch + col  # (rows,)
                valid = tf.logical_and(col < batch, pos < self.n)
                idx = tf.where(valid, tf.gather(order[e], tf.minimum(pos, self.n - 1)), 0)
                return idx, tf.cast(valid, tf.float32)

            metrics = tf.TensorArray(tf.float32, size=MAX_CHUNK_EPOCHS)

            def cond(e, state, metrics, stop, *kept):
                return tf.logical_and(e < n, tf.equal(stop, 0))

            def body(e, state, metrics, stop, kept, kept_epochs, count):
                params = (state["trainable"], state["non_trainable"], state["optimizer"])

                def one_batch(s, params, loss_sum, correct):
                    params, loss, hits, count = step(params, state["masks"], x, y, *rows_of(e, s))
                    return s + 1, params, loss_sum + loss * count, correct + hits

                _, params, loss_sum, correct = tf.while_loop(
                    lambda s, *_: s < steps,
                    one_batch,
                    (tf.constant(0), params, tf.constant(0.0), tf.constant(0.0)),
                )
                epoch_loss = loss_sum / self.n  # (,) sample-weighted mean, like fit's tracker
                val_loss, val_accuracy = validate(params, x_val, y_val)
                watched = val_loss if self.watch_validation else epoch_loss
                improved = watched < state["best"]
                best = tf.where(improved, watched, state["best"])
                wait = tf.where(improved, 0, state["wait"] + 1)
                epoch = state["epoch"]
                first = tf.where(epoch == 0, epoch_loss, state["first"])
                stop = tf.where(
                    tf.logical_not(tf.math.is_finite(epoch_loss)),
                    2,
                    tf.where(
                        exploded(epoch_loss, first, explode_factor),
                        3,
                        tf.where(tf.logical_and(wait >= patience, epoch > 0), 1, 0),
                    ),
                )
                new_state = {
                    "trainable": params[0],
                    "non_trainable": params[1],
                    "optimizer": params[2],
                    "best": best,
                    "first": first,
                    "wait": wait,
                    "epoch": epoch + 1,
                    "rates": state["rates"],
                    "masks": state["masks"],
                    "activation": state["activation"],
                }
                row = tf.stack([epoch_loss, correct / self.n, val_loss, val_accuracy])
                metrics = metrics.write(e, row)

                def keep():  # this epoch's weights into the next free row
                    now = [*new_state["trainable"], *new_state["non_trainable"]]
                    rows = [tf.tensor_scatter_nd_update(b, [[count]], w[None])
                            for b, w in zip(kept, now, strict=True)]  # fmt: skip
                    epochs = tf.tensor_scatter_nd_update(kept_epochs, [[count]], [epoch + 1])
                    return rows, epochs, count + 1

                every = tf.maximum(snapshot_every, 1)
                take = tf.logical_and(snapshot_every > 0, tf.equal((epoch + 1) % every, 0))
                kept, kept_epochs, count = tf.cond(take, keep, lambda: (kept, kept_epochs, count))
                return e + 1, new_state, metrics, stop, kept, kept_epochs, count

            e, state, metrics, stop, kept, kept_epochs, count = tf.while_loop(
                cond, body,
                (tf.constant(0), state, metrics, tf.constant(0), kept, kept_epochs, tf.constant(0)),
            )  # fmt: skip
            return state, metrics.stack(), e, stop, kept, kept_epochs, count

        def validate(params, x_val, y_val):
            """Loss and accuracy on the held-out samples in inference mode (as fit does)."""
            if not self.validate:
                return tf.constant(0.0), tf.constant(0.0)
            pred, _ = self.template.stateless_call(params[0], params[1], x_val, training=False)
            loss = tf.reduce_mean(_per_sample(self.loss_fn(y_val, pred)))
            accuracy = tf.constant(0.0)
            if self.classify:
                right = tf.cast(tf.argmax(pred, -1) == tf.argmax(y_val, -1), tf.float32)
                accuracy = tf.reduce_mean(_per_sample(right))
            return loss, accuracy

        def epochs(state, *args):
            with (
                _rates_as_arguments(self.template, self.slots, state["rates"]),
                activation_choice.as_argument(self.template, state["activation"]),
            ):
                return run_epochs(state, *args)

        return tf.function(epochs, jit_compile=True, reduce_retracing=True, autograph=False)

    def _make_step(self):
        import tensorflow as tf

        model, loss_fn, classify, update = self.template, self.loss_fn, self.classify, self.update

        def step(params, masks, x, y, idx, w):
            trainable, non_trainable, opt_vars = params
            xb, yb = tf.gather(x, idx), tf.gather(y, idx)  # (batch, T, F), (batch, ...)
            count = tf.reduce_sum(w)
            with tf.GradientTape() as tape:
                tape.watch(trainable)
                pred, new_non_trainable = model.stateless_call(
                    trainable, non_trainable, xb, training=True
                )
                per_sample = _per_sample(loss_fn(yb, pred))  # (batch,)
                loss = tf.reduce_sum(per_sample * w) / count
            grads = [
                _masked(g, m) for g, m in zip(tape.gradient(loss, trainable), masks, strict=True)
            ]
            trainable, opt_vars = update(opt_vars, grads, trainable)
            hits = tf.constant(0.0)
            if classify:
                right = tf.cast(tf.argmax(pred, -1) == tf.argmax(yb, -1), tf.float32)
                hits = tf.reduce_sum(_per_sample(right) * w)
            return (trainable, list(new_non_trainable), opt_vars), loss, hits, count

        return step


def _masked(grad, mask):
    """The gradient with the padding's part dropped (a loop wider than the model); times 1
    is exact. An Embedding's sparse gradient (rows of the words read) is never padded and
    stays sparse, as Keras' optimizers treat it."""
    import tensorflow as tf

    return grad if isinstance(grad, tf.IndexedSlices) else grad * mask


def exploded(loss, first, factor=EXPLODE_FACTOR):
    """The divergence rule: a loss over ``factor`` times the first epoch's (tensors or numbers)."""
    return (first > 0) & (loss > factor * first)


def _per_sample(values):
    """Average every axis but the first: (batch, T) -> (batch,)."""
    import tensorflow as tf

    rank = len(values.shape)
    return values if rank == 1 else tf.reduce_mean(values, axis=list(range(1, rank)))
