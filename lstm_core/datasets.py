"""Toy datasets of the seed tutorials, as plain numpy arrays plus what a page needs.

A registry maps a name to a factory; ``load(name, **options)`` returns a ``Dataset``.
Every dataset knows how to turn a student's raw input (a string typed in a box) into
the array the model takes (``encode``) and how to turn a prediction back into
something a person reads (``decode``). Bad input raises ``ValueError`` with a sentence
a student understands. No TensorFlow here: this module must import in milliseconds.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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


# ---------------------------------------------------------------------------
# Windowing and scaling (seed 001's split_x, seed 003's "statistics of the training data")
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


# ---------------------------------------------------------------------------
# The Dataset
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """A toy dataset: arrays the model trains on plus how to read and write them.

    x: float32 (samples, timesteps, features), or int32 (samples, timesteps) word indices
    for a text task whose model starts with an Embedding (``tokens``). y: targets as the
    model is trained on them (one-hot for classification / next character, possibly
    scaled numbers for regression). ``held_out`` is a part kept out of training, with
    the same encoding, when the task has one.
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
        return self.task == "next_char"

    def encode(self, raw: str | Sequence[float]) -> np.ndarray:
        """A student's typed input -> a model input of shape (1, timesteps, features)."""
        if self.encoder is not None:
            return self.encoder(raw)
        if self.task == "next_char":
            return one_hot(_check_text(raw, self.vocab), self.vocab)[None]
        values = parse_numbers(raw, expected=self.timesteps)
        if self.scaler is not None:
            values = self.scaler.transform(values)
        return values.astype(np.float32).reshape(1, self.timesteps, 1)

    def decode(self, prediction: np.ndarray):
        """One model output -> what a person reads: a class, a number or characters."""
        prediction = np.asarray(prediction)
        if self.task == "classification":
            return int(np.argmax(prediction.reshape(-1)))
        if self.task == "next_char":
            probs = prediction.reshape(-1, len(self.vocab))  # (timesteps, vocab)
            return "".join(self.vocab[i] for i in probs.argmax(axis=-1))
        value = float(prediction.reshape(-1)[0])
        return float(self.scaler.inverse(value)) if self.scaler is not None else value

    def targets(self) -> list:
        """Every sample's target decoded for humans (classes, numbers or strings)."""
        if self.task == "regression":
            return [float(v) for v in np.asarray(self.raw_y).reshape(-1)]
        return [self.decode(t) for t in self.y]


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


# ---------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------

SEQUENCES_000 = [
    [0, 1, 1, 0, 0, 0],
    [0, 0, 0, 2, 2, 0],
    [0, 0, 0, 0, 3, 3],
    [0, 2, 2, 0, 0, 0],
    [0, 0, 3, 3, 0, 0],
    [0, 0, 0, 0, 1, 1],
]
CLASSES_000 = [1, 2, 3, 2, 3, 1]

WINDOWS_001 = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]
TARGETS_001 = [4, 5, 6, 7]
WIDE_WINDOWS_001 = [[i, i + 1, i + 2] for i in range(1, 11)] + [
    [20, 30, 40],
    [30, 40, 50],
    [40, 50, 60],
]
WIDE_TARGETS_001 = list(range(4, 14)) + [50, 60, 70]


def _sequence_classification() -> Dataset:
    x = np.asarray(SEQUENCES_000, dtype=np.float32)[..., None]  # (6, 6, 1)
    classes = np.asarray(CLASSES_000)
    y = np.zeros((len(classes), 4), dtype=np.float32)  # one-hot over 4 classes, as the seed
    y[np.arange(len(classes)), classes] = 1.0
    labels = [f"{s} → {c}" for s, c in zip(SEQUENCES_000, CLASSES_000, strict=True)]
    return Dataset(
        name="sequence_classification",
        x=x,
        y=y,
        task="classification",
        description=(
            "Six sequences of six steps. A pair of equal numbers 1, 2 or 3 appears somewhere; "
            "the class is that number. The network must find the pair wherever it sits in time."
        ),
        labels=labels,
        class_names=["0", "1", "2", "3"],
        raw_x=x[..., 0].copy(),
        raw_y=classes.astype(np.float32),
    )


def _next_number(
    variant: str = "small",
    series: Sequence[float] | str | None = None,
    window_size: int = 3,
    scaling: str | None = None,
) -> Dataset:
    if series is not None:
        _check_series(series)
        x, y = window(series, window_size)
        source = np.asarray(parse_numbers(series) if isinstance(series, str) else series, float)
        description = f"Windows of {window_size} numbers cut from your series; predict the next."
    elif variant == "small":
        x, y, source = np.asarray(WINDOWS_001, float), np.asarray(TARGETS_001, float), None
        description = "Four windows of three numbers; predict the next number: [1, 2, 3] → 4."
    elif variant == "wide":
        x, y = np.asarray(WIDE_WINDOWS_001, float), np.asarray(WIDE_TARGETS_001, float)
        source = None
        description = (
            "Thirteen windows, ten small ones and three large ones like [20, 30, 40] → 50. "
            "Try predicting [25, 35, 45] with and without scaling."
        )
    else:
        raise ValueError(f"Unknown next_number variant '{variant}': use 'small' or 'wide'.")
    scaler = Scaler.fit(np.concatenate([x.ravel(), y]), scaling) if scaling else None
    xs, ys = (scaler.transform(x), scaler.transform(y)) if scaler else (x, y)
    labels = [f"{_fmt_list(w)} → {_fmt(t)}" for w, t in zip(x, y, strict=True)]
    return Dataset(
        name="next_number",
        x=xs.astype(np.float32)[..., None],
        y=ys.astype(np.float32)[:, None],
        task="regression",
        description=description,
        labels=labels,
        scaler=scaler,
        raw_x=x.astype(np.float32),
        raw_y=y.astype(np.float32),
        series=source,
        options={"variant": variant, "window_size": window_size, "scaling": scaling},
    )


MAX_SERIES = 1_000  # numbers in an own series (typed or a CSV): training and its charts stay live


def _check_series(series: Sequence[float] | str) -> None:
    if isinstance(series, str) and not series.strip():
        raise ValueError(
            "There is no series yet: type numbers separated by commas, "
            "or upload a CSV file with a column of numbers."
        )
    size = (
        len(series.replace(",", " ").replace(";", " ").split())
        if isinstance(series, str)
        else len(series)
    )
    if size > MAX_SERIES:
        raise ValueError(
            f"The series has {size:,} numbers; the limit is {MAX_SERIES:,} so that training "
            f"stays live: keep only the last {MAX_SERIES:,}."
        )


def _hello(text: str = "hello") -> Dataset:
    if not isinstance(text, str) or len(text) < 2:
        raise ValueError("Type a text of at least 2 characters, like 'hello'.")
    if len(text) > 80:
        raise ValueError(f"Keep the text to 80 characters or fewer (it has {len(text)}).")
    vocab = vocabulary(text)
    if len(vocab) < 2:
        raise ValueError("The text needs at least two different characters to predict anything.")
    x = one_hot(text[:-1], vocab)[None]  # (1, len-1, vocab): h, e, l, l
    y = one_hot(text[1:], vocab)[None]  # (1, len-1, vocab): e, l, l, o
    return Dataset(
        name="hello",
        x=x,
        y=y,
        task="next_char",
        description=(
            f"From each character of '{text[:-1]}' predict the next one, giving '{text[1:]}'. "
            f"Characters are one-hot vectors over the text's own vocabulary {vocab}."
        ),
        labels=[f"'{text[:-1]}' → '{text[1:]}'"],
        vocab=vocab,
        options={"text": text},
    )


LONG_MEMORY_CLASSES = 4  # symbols the first step can hold: chance is 1 in 4
LONG_MEMORY_DISTRACTORS = 4  # other symbols that fill the rest of the sequence


def _long_memory(
    length: int = 20, samples: int = 1024, seed: int = 0, held_out: int = 512
) -> Dataset:
    """The first step holds one of 4 class symbols; the rest are random distractors.

    Each step is a one-hot vector over 8 symbols: A B C D (the classes, only ever at
    the first step) and 4 distractor symbols (every later step, drawn at random). The
    answer is the first symbol, so a network must carry it across ``length - 1`` steps
    of noise: seed 004's long-term dependency, with the gap as a slider. The held-out
    part is drawn with another seed, so memorising the distractors does not help there.
    """
    for name, value, lo, hi in (
        ("length", length, 2, 500),
        ("samples", samples, 8, 20000),
        ("held_out", held_out, 0, 20000),
    ):
        if isinstance(value, bool) or int(value) != value or not lo <= value <= hi:
            raise ValueError(f"The {name} must be a whole number from {lo} to {hi} (got {value}).")
    length, samples, held_out = int(length), int(samples), int(held_out)
    symbols = [*LONG_MEMORY_SYMBOLS, *LONG_MEMORY_NOISE]

    def part(n: int, part_seed: int) -> Dataset:
        rng = np.random.default_rng(part_seed)
        first = rng.integers(0, LONG_MEMORY_CLASSES, n)
        steps = rng.integers(LONG_MEMORY_CLASSES, len(symbols), (n, length))
        steps[:, 0] = first
        x = np.eye(len(symbols), dtype=np.float32)[steps]  # (n, length, 8)
        y = np.eye(LONG_MEMORY_CLASSES, dtype=np.float32)[first]
        shown = min(length, 8)
        labels = [
            " ".join(symbols[s] for s in row[:shown])
            + (" …" if length > shown else "")
            + f" → {symbols[c]}"
            for row, c in zip(steps, first, strict=True)
        ]
        return Dataset(
            name="long_memory",
            x=x,
            y=y,
            task="classification",
            description=(
                f"Sequences of {length} symbols. The first is A, B, C or D; the other "
                f"{length - 1} are random distractors. The class is the first symbol, so "
                "the network must remember it to the end."
            ),
            labels=labels,
            class_names=list(LONG_MEMORY_SYMBOLS),
            vocab=symbols,
            raw_x=steps.astype(np.float32),
            raw_y=first.astype(np.float32),
            options={"length": length, "samples": samples, "seed": seed, "held_out": held_out},
            encoder=functools.partial(_encode_symbols, symbols=tuple(symbols)),
        )

    train = part(samples, seed)
    test = part(held_out, seed + 1_000_003) if held_out else None
    return dataclasses.replace(train, held_out=test)


LONG_MEMORY_SYMBOLS = ("A", "B", "C", "D")
LONG_MEMORY_NOISE = ("w", "x", "y", "z")


def _encode_symbols(raw, symbols: Sequence[str]) -> np.ndarray:
    """ "B x w z" (spaces and commas optional) -> one-hot (1, steps, len(symbols))."""
    if not isinstance(raw, str):
        raise ValueError("Type a sequence of symbols, like B x w z y.")
    chars = [ch for ch in raw if not ch.isspace() and ch != ","]
    if not chars:
        raise ValueError("The input is empty. Type a sequence of symbols, like B x w z y.")
    if len(chars) > 500:
        raise ValueError(f"Keep the sequence to 500 symbols or fewer (it has {len(chars)}).")
    index = {name: i for i, name in enumerate(symbols)}
    index.update({name.lower(): i for i, name in enumerate(LONG_MEMORY_SYMBOLS)})
    for ch in chars:
        if ch not in index:
            raise ValueError(
                f"{ch!r} is not a symbol of this task. Start with A, B, C or D and "
                "continue with the distractors w, x, y and z, like B x w z y."
            )
    return np.eye(len(symbols), dtype=np.float32)[[index[ch] for ch in chars]][None]


def _fmt(v: float) -> str:
    return f"{v:g}"


def _fmt_list(values) -> str:
    return "[" + ", ".join(_fmt(float(v)) for v in values) + "]"


def _sentiment(**options) -> Dataset:
    from lstm_core import text  # the corpus and Keras' padding, only when asked for

    return text.sentiment(**options)


REGISTRY: dict[str, Callable[..., Dataset]] = {
    "sequence_classification": _sequence_classification,
    "next_number": _next_number,
    "hello": _hello,
    "long_memory": _long_memory,
    "sentiment": _sentiment,
}


def load(name: str, **options) -> Dataset:
    """Build the dataset registered under ``name`` with the given options."""
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ValueError(f"There is no dataset called '{name}'. Choose one of: {known}.")
    return REGISTRY[name](**options)
