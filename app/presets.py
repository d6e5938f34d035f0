"""Ready-made experiments per task page: a teacher's "try this", each also a link.

A preset is a few settings on top of the page's tutorial lesson, the question it asks
(never the answer: what happens is for the class to see), and the controls it needs —
with ``teacher=1`` in the link a page shows only those (as TensorFlow Playground does).
Settings are widget names of the page (model, training and data settings alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Preset:
    key: str  # the link's ?preset= value
    title: str
    question: str
    settings: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ("units", "epochs")
    lesson: str | None = None  # the tutorial lesson it starts from (default: the page's)


TUTORIAL = "tutorial"

PRESETS: dict[str, tuple[Preset, ...]] = {
    "sequence_classification": (
        Preset(
            TUTORIAL,
            "As in the tutorial",
            "LSTM(128) with dropout 0.2: all six right?",
            needs=("units", "dropout", "recurrent_dropout", "epochs"),
        ),  # fmt: skip
        Preset(
            "too_much_dropout",
            "Too much dropout",
            "Dropout 0.8 on the inputs and on the state: can it still find the pair?",
            {"dropout": 0.8, "recurrent_dropout": 0.8},
            ("dropout", "recurrent_dropout", "epochs"),
        ),  # fmt: skip
        Preset(
            "tiny",
            "A tiny network",
            "2 units instead of 128: are two numbers of memory enough for three classes?",
            {"units": 2},
            ("units", "epochs"),
        ),  # fmt: skip
        Preset(
            "simple_rnn",
            "SimpleRNN instead",
            "The plain recurrent cell on the same task: as good, worse, slower?",
            {"cell": "simple_rnn"},
            ("cell", "units", "epochs"),
        ),  # fmt: skip
    ),
    "next_number": (
        Preset(
            TUTORIAL,
            "As in the tutorial",
            "LSTM(10) on [1,2,3] → 4: how close is 4?",
            {"variant": "small"},
            ("units", "epochs", "learning_rate"),
        ),  # fmt: skip
        Preset(
            "tanh",
            "tanh instead of relu",
            "The tutorial puts relu inside the LSTM; its default is tanh: closer or not?",
            {"variant": "small", "activation": "tanh"},
            ("activation", "epochs"),
        ),  # fmt: skip
        Preset(
            "fast_relu",
            "relu with a large step",
            "relu at learning rate 0.1: does the loss stay finite?",
            {"variant": "small", "learning_rate": 0.1},
            ("activation", "learning_rate", "epochs"),
        ),  # fmt: skip
        Preset(
            "dense",
            "A Dense network (the seed's DNN)",
            "No memory at all, just the three numbers at once: better or worse?",
            {"variant": "small", "cell": "dense"},
            ("cell", "units", "epochs"),
        ),  # fmt: skip
        Preset(
            "big_numbers",
            "Large numbers, no scaling",
            "Up to 50 without scaling, then with min-max: what changes?",
            {"variant": "wide", "scaling": "none"},
            ("scaling", "epochs"),
            lesson="next_number_wide",
        ),  # fmt: skip
    ),
    "hello": (
        Preset(
            TUTORIAL,
            "As in the tutorial",
            "LSTM(16) reads h, e, l, l: does it say e, l, l, o?",
            needs=("units", "epochs"),
        ),  # fmt: skip
        Preset(
            "tiny",
            "A tiny network",
            "2 units: can it still tell the two l's apart?",
            {"units": 2},
            ("units", "epochs"),
        ),  # fmt: skip
        Preset(
            "simple_rnn",
            "SimpleRNN instead",
            "The second 'l' must be followed by 'o', the first by 'l': can a SimpleRNN?",
            {"cell": "simple_rnn"},
            ("cell", "units", "epochs"),
        ),  # fmt: skip
    ),
}


def of(page: str) -> dict[str, Preset]:
    return {preset.key: preset for preset in PRESETS.get(page, ())}
