"""The toy tasks of the seed tutorials, each a factory returning a ``Dataset``.

Seed 000's sequence classification (where does the pair of equal numbers sit?), the
"hello" next-character task, and seed 004's long-memory task (remember the first symbol
across a gap of distractors). ``lstm_core.datasets`` registers them by name; the
next-number series and the sentiment corpus have their own modules (``series``, ``text``).
No TensorFlow here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import numpy as np

from lstm_core.dataset_record import Dataset
from lstm_core.typed_input import one_hot, vocabulary

SEQUENCES_000 = [
    [0, 1, 1, 0, 0, 0],
    [0, 0, 0, 2, 2, 0],
    [0, 0, 0, 0, 3, 3],
    [0, 2, 2, 0, 0, 0],
    [0, 0, 3, 3, 0, 0],
    [0, 0, 0, 0, 1, 1],
]
CLASSES_000 = [1, 2, 3, 2, 3, 1]


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
