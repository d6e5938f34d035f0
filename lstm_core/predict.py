"""Ask a trained model about a student's own input: a class, a number or the next character.

``predict`` turns the raw text typed in a box into the model's answer plus, for classes
and characters, the probabilities behind it; ``continue_text`` lets a next-character
model write on by feeding its own guesses back in. Bad input raises ``ValueError``
(from ``Dataset.encode``) with a sentence a student understands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.datasets import Dataset


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one input, as a person reads it."""

    value: object  # class int | float | predicted characters (one per input step)
    probabilities: np.ndarray | None = None  # classes or the next character's distribution
    labels: list[str] | None = None  # names for the probabilities
    next_char: str | None = None  # next_char task: the character after the whole prefix


def predict(model, dataset: Dataset, raw) -> Prediction:
    """Encode ``raw`` like the training data, run the model once, decode the answer."""
    x = dataset.encode(raw)  # (1, T, F)
    out = np.asarray(model(x, training=False))[0]  # (classes,) | (1,) | (T, vocab)
    if dataset.task == "classification":
        return Prediction(dataset.decode(out), out, list(dataset.class_names))
    if dataset.task == "next_char":
        last = out[-1]  # (vocab,) the distribution after reading the whole prefix
        nxt = dataset.vocab[int(last.argmax())]
        return Prediction(dataset.decode(out), last, list(dataset.vocab), nxt)
    return Prediction(dataset.decode(out))


def continue_text(model, dataset: Dataset, prefix: str, n: int) -> str:
    """Append ``n`` characters to ``prefix``, each the model's most likely next one."""
    if dataset.task != "next_char":
        raise ValueError("Only a next-character model can continue a text.")
    if not 1 <= int(n) <= 200:
        raise ValueError(f"Ask for between 1 and 200 characters (got {n}).")
    text = prefix
    for _ in range(int(n)):
        text += predict(model, dataset, text).next_char
    return text
