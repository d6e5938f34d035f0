"""Ready-made experiments per task page: a teacher's "try this", each also a link.

A preset is a few settings on top of the page's tutorial lesson and the controls it
needs; its title (``preset.<key>``) and the question it asks (``question.<page>.<key>``,
never the answer: what happens is for the class to see) are in the i18n catalog —
and with ``teacher=1`` in the link a page shows only those controls (as TensorFlow
Playground does).
Settings are widget names of the page (model, training and data settings alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from lstm_core.jobs import Experiment
from lstm_core.lessons import LESSONS
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig


@dataclass(frozen=True)
class Preset:
    key: str  # the link's ?preset= value; its title and question are in the catalog
    settings: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ("units", "epochs")
    lesson: str | None = None  # the tutorial lesson it starts from (default: the page's)


TUTORIAL = "tutorial"

PRESETS: dict[str, tuple[Preset, ...]] = {
    "sequence_classification": (
        Preset(TUTORIAL, needs=("units", "dropout", "recurrent_dropout", "epochs")),
        Preset(
            "too_much_dropout",
            {"dropout": 0.8, "recurrent_dropout": 0.8},
            ("dropout", "recurrent_dropout", "epochs"),
        ),  # fmt: skip
        Preset("tiny", {"units": 2}, ("units", "epochs")),
        Preset("simple_rnn", {"cell": "simple_rnn"}, ("cell", "units", "epochs")),
        # seed 001's question, how to notice overfitting: 3 sequences to learn, 3 to check
        Preset("overfitting", {"validation_split": 0.5}, ("validation_split", "epochs")),
    ),
    "next_number": (
        Preset(TUTORIAL, {"variant": "small"}, ("units", "epochs", "learning_rate")),
        Preset("tanh", {"variant": "small", "activation": "tanh"}, ("activation", "epochs")),
        Preset(
            "fast_relu",
            {"variant": "small", "learning_rate": 0.1},
            ("activation", "learning_rate", "epochs"),
        ),  # fmt: skip
        Preset("dense", {"variant": "small", "cell": "dense"}, ("cell", "units", "epochs")),
        Preset(
            "big_numbers",
            {"variant": "wide", "scaling": "none"},
            ("scaling", "epochs"),
            lesson="next_number_wide",
        ),  # fmt: skip
    ),
    "hello": (
        Preset(TUTORIAL, needs=("units", "epochs")),
        Preset("tiny", {"units": 2}, ("units", "epochs")),
        Preset("simple_rnn", {"cell": "simple_rnn"}, ("cell", "units", "epochs")),
    ),
}


def of(page: str) -> dict[str, Preset]:
    return {preset.key: preset for preset in PRESETS.get(page, ())}


def every_experiment() -> list[Experiment]:
    """What every preset of every page trains, the tutorials first (a class's first click):
    the server's workers compile them all when it starts (``app.pool.pool``)."""
    return list(named_experiments().values())


def named_experiments() -> dict[str, Experiment]:
    """``every_experiment`` by name, ``"<page>:<preset key>"``, in the same order."""
    pairs = [(page, preset) for page, presets in PRESETS.items() for preset in presets]
    pairs.sort(key=lambda pair: pair[1].key != TUTORIAL)  # stable: page order kept
    return {f"{page}:{preset.key}": experiment(page, preset) for page, preset in pairs}


def experiment(page: str, preset: Preset) -> Experiment:
    """What pressing Train right after choosing ``preset`` trains (to compile it ahead):
    its lesson with the preset's model and training settings, on the lesson's data (a
    preset's data settings only name that data: the variant of its lesson, no scaling)."""
    lesson = LESSONS[preset.lesson or page]
    fields = lambda cls: {k: v for k, v in preset.settings.items()  # noqa: E731
                          if k in cls.__dataclass_fields__}  # fmt: skip
    options = dict(lesson.dataset_options)
    if preset.settings.get("scaling", "none") != "none":
        options["scaling"] = preset.settings["scaling"]
    spec = lesson.spec.replace(**fields(ModelSpec))
    return Experiment.of(
        lesson.dataset, options, spec, replace(lesson.config, **fields(TrainConfig))
    )
