"""How to train: the ``TrainConfig`` schema and ``model.fit``'s validation split.

``TrainConfig`` is one frozen dataclass whose fields carry their bounds and defaults
(``lstm_core.schema``), so the same numbers feed the widgets, the checks, the URL and the
generated Keras code. ``split_validation`` holds out the last samples as
``model.fit(validation_split=…)`` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from lstm_core import optimizers, schema
from lstm_core.datasets import Dataset

OPTIMIZERS = tuple(optimizers.UPDATES)  # each as keras.optimizers.<Name>(learning_rate=lr)


@dataclass(frozen=True)
class TrainConfig:
    """How to train: the same schema feeds the widgets, the checks and the generated code."""

    epochs: int = schema.param(200, "Epochs", lo=1, hi=5000, step=1)
    batch_size: int = schema.param(32, "Batch size", lo=1, hi=1024, step=1)
    learning_rate: float = schema.param(1e-3, "Learning rate", lo=1e-5, hi=1.0, log=True)
    seed: int = schema.param(0, "Seed", lo=0, hi=2**31 - 1, step=1)
    patience: int | None = schema.param(
        None,
        "Early-stopping patience",
        lo=1,
        hi=5000,
        step=1,
        optional=True,
        on_value=10,
        help="Stop when the loss has not improved for this many epochs (None: never).",
    )
    optimizer: str = schema.param(
        "adam",
        "Optimizer",
        choices=OPTIMIZERS,
        help="How the weights follow the gradient, each with Keras' defaults: Adam (seeds 000, "
        "001, 003, 004), RMSprop (seed 002) or plain SGD.",
    )
    validation_split: float = schema.param(
        0.0,
        "Validation split",
        lo=0.0,
        hi=0.5,
        step=0.05,
        help="Keep this fraction of the samples (the last ones, as Keras does) out of training "
        "and measure the loss on them after every epoch: the way to see overfitting.",
    )
    monitor: str = schema.param(
        "loss",
        "Early stopping watches",
        choices=("loss", "val_loss"),
        help="The loss early stopping waits on: the training loss, or the validation loss "
        "(which tells you when the model starts to overfit).",
    )
    shuffle: bool = True

    def __post_init__(self):
        schema.check(self)
        if self.monitor == "val_loss" and not self.validation_split:
            raise ValueError(
                "Early stopping on the validation loss needs a validation split above 0: "
                "set one, or let early stopping watch the training loss."
            )


def split_validation(dataset: Dataset, fraction: float) -> tuple[Dataset, Dataset | None]:
    """(training part, validation part or None): ``model.fit(validation_split=…)``'s split,
    the last ``fraction`` of the samples, taken before any shuffling."""
    if not fraction:
        return dataset, None
    n = int(dataset.x.shape[0])
    split_at = int(math.floor(n * (1.0 - fraction)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"A validation split of {fraction:g} of {n} samples leaves "
            f"{split_at} for training and {n - split_at} for validation: both need at least "
            "one. Choose another split, or train without validation."
        )
    part = lambda rows: replace(dataset, x=dataset.x[rows], y=dataset.y[rows])  # noqa: E731
    return part(slice(0, split_at)), part(slice(split_at, n))
