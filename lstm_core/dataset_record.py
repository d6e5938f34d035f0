"""The ``Dataset`` record every task returns, and the ``Scaler`` its numbers went through.

A ``Dataset`` holds the arrays a model trains on plus what a page needs: labels, class
names or vocabulary, the raw values for tables and pictures, and how to turn a student's
raw input into a model input (``encode``) and a prediction back into something a person
reads (``decode``). A ``Scaler`` is fitted on training values only (seed 003's "statistics
of the training data"). No TensorFlow here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lstm_core.typed_input import _check_text, one_hot, parse_numbers, parse_steps


@dataclass(frozen=True)
class Scaler:
    """Affine scaling ``(v - offset) / scale`` fitted on training values only."""

    kind: str
    offset: float
    scale: float

    @classmethod
    def fit(cls, values: np.ndarray, kind: str = "minmax") -> Scaler:
        values = np.asarray(values, float)
        if kind == "minmax":
            lo, hi = float(values.min()), float(values.max())
            return cls(kind, lo, (hi - lo) or 1.0)
        if kind == "standard":
            return cls(kind, float(values.mean()), float(values.std()) or 1.0)
        raise ValueError(f"Unknown scaling '{kind}': choose 'minmax', 'standard' or none.")

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, float) - self.offset) / self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, float) * self.scale + self.offset


@dataclass(frozen=True, eq=False)
class Dataset:
    """A toy dataset: arrays the model trains on plus how to read and write them.

    x: float32 (samples, timesteps, features), or int32 (samples, timesteps) word indices
    for a text task whose model starts with an Embedding (``tokens``). y: targets as the
    model is trained on them (one-hot for classification / next character, possibly
    scaled numbers for regression: (samples, 1), or (samples, timesteps, 1) when the
    number after every step is a target). ``held_out`` is a part kept out of training,
    with the same encoding, when the task has one. With one feature per step ``raw_x``
    is (samples, timesteps) and ``series`` (length,); with several, both get a last
    feature axis.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    task: str  # "classification" | "regression" | "next_char"
    description: str
    labels: list[str]  # one human label per sample, e.g. "[1, 2, 3] → 4"
    class_names: list[str] | None = None  # classification: names of the output units
    vocab: list[str] | None = None  # next_char: the characters, in one-hot order
    scaler: Scaler | None = None  # regression: how targets were scaled
    raw_x: np.ndarray | None = None  # the unscaled inputs, for tables and pictures
    raw_y: np.ndarray | None = None  # the targets as a person reads them
    series: np.ndarray | None = None  # the raw series the windows came from, if any
    options: dict = field(default_factory=dict)  # the options it was loaded with
    words: list[str] | None = None  # text: the vocabulary, index -> word (0 padding, 1 OOV)
    encoder: Callable[[str], np.ndarray] | None = None  # text: a typed sentence -> (1, T)
    held_out: Dataset | None = None  # samples kept out of training, encoded the same way
    # numbers with several features per step: one scaler and one name per feature (the
    # first is the one predicted, its scaler is ``scaler``)
    feature_scalers: tuple[Scaler, ...] | None = None
    feature_names: list[str] | None = None
    every_step: bool = False  # regression many-to-many: y[t] is the value after step t
    starts: np.ndarray | None = None  # windows of a series: where each starts in ``series``

    @property
    def timesteps(self) -> int:
        return int(self.x.shape[1])

    @property
    def features(self) -> int:
        return 1 if self.tokens else int(self.x.shape[2])

    @property
    def tokens(self) -> bool:
        """True when x holds word indices for an Embedding rather than feature vectors."""
        return self.x.ndim == 2

    @property
    def n_outputs(self) -> int:
        return int(self.y.shape[-1]) if self.y.ndim > 1 else 1

    @property
    def sequence_output(self) -> bool:
        """True when the model predicts at every step (many-to-many), as "hello" does."""
        return self.task == "next_char" or self.every_step

    def encode(self, raw: str | Sequence[float]) -> np.ndarray:
        """A student's typed input -> a model input of shape (1, timesteps, features)."""
        if self.encoder is not None:
            return self.encoder(raw)
        if self.task == "next_char":
            return one_hot(_check_text(raw, self.vocab), self.vocab)[None]
        if self.features > 1:
            values = parse_steps(raw, self.timesteps, self.feature_names)  # (T, F)
        else:
            values = parse_numbers(raw, expected=self.timesteps)[:, None]  # (T, 1)
        scalers = self.feature_scalers or ((self.scaler,) if self.scaler else ())
        if scalers:
            values = np.stack([s.transform(values[:, f]) for f, s in enumerate(scalers)], -1)
        return values.astype(np.float32).reshape(1, self.timesteps, self.features)

    def decode(self, prediction: np.ndarray):
        """One model output -> what a person reads: a class, a number or characters."""
        prediction = np.asarray(prediction)
        if self.task == "classification":
            return int(np.argmax(prediction.reshape(-1)))
        if self.task == "next_char":
            probs = prediction.reshape(-1, len(self.vocab))  # (timesteps, vocab)
            return "".join(self.vocab[i] for i in probs.argmax(axis=-1))
        return self.decode_steps(prediction)[-1]  # many-to-many: the value after the window

    def decode_steps(self, prediction: np.ndarray) -> list[float]:
        """Numbers: one output (1,) or (timesteps, 1) -> the value after each step, unscaled."""
        values = np.asarray(prediction, float).reshape(-1)
        if self.scaler is not None:
            values = self.scaler.inverse(values)
        return [float(v) for v in values]

    def targets(self) -> list:
        """Every sample's target decoded for humans (classes, numbers or strings); numbers
        predicted at every step give the value after the whole window."""
        if self.task == "regression":
            raw = np.asarray(self.raw_y)
            return [float(v) for v in (raw[:, -1] if self.every_step else raw.reshape(-1))]
        return [self.decode(t) for t in self.y]
