"""A student's numbers and characters, read into arrays, with student-sized errors.

``parse_numbers`` reads "1, 2, 3", ``parse_steps`` several numbers per step ("639, 4.3;
671, 0.4"), ``window`` cuts a series into inputs and the value after each (seed 001's
``split_x``), and ``vocabulary`` / ``one_hot`` turn a text into the one-hot vectors of
"hello". Bad input raises ``ValueError`` with a sentence a student understands. No
TensorFlow here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# ---------------------------------------------------------------------------
# Parsing a student's typed input
# ---------------------------------------------------------------------------


def parse_numbers(text: str | Sequence[float], expected: int | None = None) -> np.ndarray:
    """Parse "1, 2, 3" (commas and/or spaces) into a float array, with student-sized errors."""
    if isinstance(text, str):
        parts = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
        if not parts:
            raise ValueError("The input is empty. Type numbers separated by commas, like 6, 7, 8.")
        values = []
        for part in parts:
            try:
                values.append(float(part))
            except ValueError:
                raise ValueError(
                    f"'{part}' is not a number. Type numbers separated by commas, like 6, 7, 8."
                ) from None
    else:
        values = [float(v) for v in np.asarray(text, dtype=float).ravel()]
        if not values:
            raise ValueError("The input is empty. Give at least one number.")
    for v in values:
        if not math.isfinite(v):
            raise ValueError(f"'{v}' is not a usable number. Use ordinary finite numbers only.")
    if expected is not None and len(values) != expected:
        raise ValueError(
            f"Type exactly {expected} numbers (you typed {len(values)}): "
            f"this model reads sequences of {expected} steps."
        )
    return np.asarray(values, dtype=np.float64)


def parse_steps(
    text: str | Sequence[Sequence[float]], steps: int, names: Sequence[str] | None = None
) -> np.ndarray:
    """Parse "639, 4.3; 671, 0.4; 641, 5.4" (steps separated by ';', the numbers of one
    step by commas) into a (steps, features) float array with student-sized errors."""
    features = len(names) if names else None
    named = ", ".join(names) if names else "one per feature"
    if not isinstance(text, str):
        values = np.asarray(text, dtype=float)
        if values.ndim != 2 or values.shape[0] != steps or values.shape[1] != features:
            raise ValueError(
                f"Give {steps} steps of {features} numbers each ({named}); got an array of "
                f"shape {values.shape}."
            )
        return np.stack([parse_numbers(row) for row in values])
    rows = [row for row in text.replace("\n", ";").split(";") if row.strip()]
    if len(rows) != steps:
        raise ValueError(
            f"Type exactly {steps} steps separated by ';' (you typed {len(rows)}), each step "
            f"{features} numbers separated by commas ({named})."
        )
    parsed = []
    for k, row in enumerate(rows, start=1):
        values = parse_numbers(row)
        if len(values) != features:
            raise ValueError(
                f"Step {k} is '{row.strip()}', but every step needs {features} numbers "
                f"({named}) separated by commas; separate the steps with ';'."
            )
        parsed.append(values)
    return np.stack(parsed)  # (steps, features)


# ---------------------------------------------------------------------------
# Windowing (seed 001's split_x)
# ---------------------------------------------------------------------------


def window(series: Sequence[float] | str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into windows of ``size`` inputs and the value that follows each.

    ``window([1..10], 4)`` gives x = [[1,2,3,4], ..., [6,7,8,9]] and y = [5, ..., 10],
    exactly the seed's ``split_x(seq, size + 1)`` followed by x = [:, :-1], y = [:, -1].
    """
    values = parse_numbers(series) if isinstance(series, str) else np.asarray(series, float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("The series is empty. Give a list of numbers, like 1, 2, 3, 4, 5, 6.")
    if not np.all(np.isfinite(values)):
        raise ValueError("The series contains a missing or infinite value (NaN/inf). Remove it.")
    if int(size) != size or size < 1:
        raise ValueError(f"The window size must be a whole number of at least 1 (got {size}).")
    size = int(size)
    if values.size < size + 1:
        raise ValueError(
            f"A window of {size} needs a series of at least {size + 1} numbers "
            f"(the window plus the value to predict); yours has {values.size}."
        )
    n = values.size - size
    x = np.stack([values[i : i + size] for i in range(n)])  # (n, size)
    y = values[size:]  # (n,)
    return x, y


# ---------------------------------------------------------------------------
# Characters
# ---------------------------------------------------------------------------


def vocabulary(text: str) -> list[str]:
    """The distinct characters of a text in order of first appearance ("hello" -> h, e, l, o)."""
    return list(dict.fromkeys(text))


def one_hot(text: str, vocab: Sequence[str]) -> np.ndarray:
    """(len(text), len(vocab)) float32 one-hot matrix."""
    index = {ch: i for i, ch in enumerate(vocab)}
    out = np.zeros((len(text), len(vocab)), dtype=np.float32)
    out[np.arange(len(text)), [index[ch] for ch in text]] = 1.0
    return out


def _check_text(text, vocab: Sequence[str] | None) -> str:
    if not isinstance(text, str) or not text:
        raise ValueError("Type at least one character.")
    if vocab is not None:
        for ch in text:
            if ch not in vocab:
                letters = ", ".join(repr(v) for v in vocab)
                raise ValueError(
                    f"The character {ch!r} is not in this model's vocabulary ({letters}). "
                    "Use only those characters, or train on a text that contains it."
                )
    return text
