"""Ask a trained model about a student's own input: a class, a number or the next character.

``predict`` turns the raw text typed in a box into the model's answer plus, for classes
and characters, the probabilities behind it; ``continue_text`` lets a next-character
model write on by feeding its own guesses back in. Bad input raises ``ValueError``
(from ``Dataset.encode``) with a sentence a student understands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.datasets import Dataset, parse_numbers


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


def close_enough(prediction: float, target: float) -> bool:
    """A regression prediction counts as right within 5 % of the target (at least ±0.05)."""
    return abs(prediction - target) <= 0.05 * max(1.0, abs(target))


def input_labels(dataset: Dataset) -> list[str]:
    """What each sample shows as its input: "[1, 2, 3]" from "[1, 2, 3] → 4"."""
    return [label.split(" → ")[0] for label in dataset.labels]


def time_labels(dataset: Dataset, values) -> list[str]:
    """One label per time step: the number or character read at that step."""
    if dataset.task == "next_char":
        return list(values)
    return [f"{float(v):g}" for v in np.asarray(values).reshape(-1)]


def sample_input(dataset: Dataset, index: int) -> tuple[np.ndarray, list[str]]:
    """A training sample as a model input (1, T, F) with its time labels."""
    if dataset.task == "next_char":
        return dataset.x[index : index + 1], time_labels(dataset, dataset.options["text"][:-1])
    return dataset.x[index : index + 1], time_labels(dataset, dataset.raw_x[index])


def typed_input(dataset: Dataset, text: str) -> tuple[np.ndarray, list[str]]:
    """A typed input as a model input with its time labels (ValueError on bad input)."""
    x = dataset.encode(text)
    if dataset.task == "next_char":
        return x, time_labels(dataset, text)
    return x, time_labels(dataset, parse_numbers(text))
