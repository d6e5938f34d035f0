"""Ask a trained model about a student's own input: a class, a number or the next character.

``predict`` turns the raw text typed in a box into the model's answer plus, for classes
and characters, the probabilities behind it; ``continue_text`` lets a next-character
model write on by feeding its own guesses back in. For numbers, ``errors`` measures the
predictions in the series' own units (the test error of the held-out windows), and
``input_text`` writes a window the way a student types it. Bad input raises
``ValueError`` (from ``Dataset.encode``) with a sentence a student understands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.datasets import Dataset, parse_numbers, parse_steps


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one input, as a person reads it."""

    value: object  # class int | float | predicted characters (one per input step)
    probabilities: np.ndarray | None = None  # classes or the next character's distribution
    labels: list[str] | None = None  # names for the probabilities
    next_char: str | None = None  # next_char task: the character after the whole prefix
    steps: list[float] | None = None  # numbers predicted at every step: the value after each


def predict(model, dataset: Dataset, raw) -> Prediction:
    """Encode ``raw`` like the training data, run the model once, decode the answer."""
    x = dataset.encode(raw)  # (1, T, F)
    return answer(dataset, np.asarray(model(x, training=False))[0])


def answer(dataset: Dataset, out: np.ndarray) -> Prediction:
    """The model's output for one encoded input, (classes,) | (1,) | (T, vocab) | (T, 1),
    decoded as a person reads it."""
    if dataset.task == "classification":
        return Prediction(dataset.decode(out), out, list(dataset.class_names))
    if dataset.task == "next_char":
        last = out[-1]  # (vocab,) the distribution after reading the whole prefix
        nxt = dataset.vocab[int(last.argmax())]
        return Prediction(dataset.decode(out), last, list(dataset.vocab), nxt)
    steps = dataset.decode_steps(out) if dataset.every_step else None
    return Prediction(dataset.decode(out), steps=steps)


@dataclass(frozen=True)
class Errors:
    """How far a regression model's numbers are from the targets, in the data's own units.

    Each sample counts once, by the number after its whole window (with a target at every
    step too: the value the many-to-one model predicts), so the two are comparable."""

    mae: float  # mean absolute error
    rmse: float  # root mean squared error
    predicted: np.ndarray  # (samples,) unscaled
    target: np.ndarray  # (samples,)


def errors(dataset: Dataset, predictions: np.ndarray) -> Errors:
    """The error of ``predictions`` (the model's outputs for ``dataset.x``), unscaled."""
    if dataset.task != "regression":
        raise ValueError("Only a model that predicts numbers has an error in the data's units.")
    predicted = np.asarray([dataset.decode(row) for row in predictions])  # (samples,)
    target = np.asarray(dataset.targets(), dtype=float)
    if predicted.shape != target.shape:
        raise ValueError(f"Got {predicted.size} predictions for {target.size} samples.")
    diff = predicted - target
    mae = float(np.mean(np.abs(diff))) if diff.size else float("nan")
    rmse = float(np.sqrt(np.mean(diff**2))) if diff.size else float("nan")
    return Errors(mae, rmse, predicted, target)


def held_out_error(model, dataset: Dataset) -> Errors:
    """``errors`` of the model on the dataset's held-out test part (inference mode)."""
    if dataset.held_out is None:
        raise ValueError("This data has no test part: use your own series to get one.")
    return errors(dataset.held_out, np.asarray(model(dataset.held_out.x, training=False)))


@dataclass(frozen=True)
class AlongSeries:
    """Predictions of a series' windows placed where their targets sit in the series."""

    positions: np.ndarray  # (windows,) position of the value after each window
    predicted: np.ndarray  # (windows,) what the model predicted there, unscaled
    test_from: int | None  # position of the first target of the test part, if any
    first_positions: np.ndarray | None = None  # every step: the value after each window's
    first_predicted: np.ndarray | None = None  # first step, as predicted from that step alone


def along_series(dataset: Dataset, predictions: np.ndarray, test_predictions=None) -> AlongSeries:
    """The training windows' predictions (and the test part's) along ``dataset.series``."""
    if dataset.starts is None:
        raise ValueError("Only windows cut from a series can be drawn along it.")
    parts = [(dataset, predictions)]
    if dataset.held_out is not None and test_predictions is not None:
        parts.append((dataset.held_out, test_predictions))
    starts = np.concatenate([part.starts for part, _ in parts])  # (windows,)
    outputs = [np.asarray(out) for _, out in parts]
    predicted = np.concatenate([errors(part, out).predicted for part, out in parts])
    test = dataset.held_out
    test_from = int(test.starts[0]) + test.timesteps if test is not None else None
    if not dataset.every_step:
        return AlongSeries(starts + dataset.timesteps, predicted, test_from)
    first = np.concatenate([step_predictions(part, out)[:, 0] for (part, _), out in
                            zip(parts, outputs, strict=True)])  # fmt: skip
    return AlongSeries(starts + dataset.timesteps, predicted, test_from, starts + 1, first)


def step_predictions(dataset: Dataset, predictions: np.ndarray) -> np.ndarray:
    """(samples, timesteps): the value predicted after every step of each window, unscaled
    (a model trained with a target at every step)."""
    return np.asarray([dataset.decode_steps(row) for row in predictions])


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
    """One label per time step: the number(s) or character read at that step."""
    if dataset.task == "next_char":
        return list(values)
    rows = np.asarray(values, dtype=float).reshape(dataset.timesteps, -1)  # (T, F)
    return [", ".join(f"{float(v):g}" for v in row) for row in rows]


def input_text(dataset: Dataset, window: np.ndarray) -> str:
    """A window of raw numbers, (T,) or (T, F), written as a student types it:
    "6, 7, 8", or with several features "639, 4.3; 671, 0.4; 641, 5.4"."""
    return (
        "; ".join(time_labels(dataset, window))
        if dataset.features > 1
        else ", ".join(time_labels(dataset, window))
    )


def sample_text(dataset: Dataset, index: int) -> str:
    """A sample's input as typed text (numbers) or its characters (next character)."""
    if dataset.task == "next_char":
        return dataset.options["text"][:-1]
    return input_text(dataset, dataset.raw_x[index])


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
    if dataset.features > 1:
        return x, time_labels(dataset, parse_steps(text, dataset.timesteps, dataset.feature_names))
    return x, time_labels(dataset, parse_numbers(text))
