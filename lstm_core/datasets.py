"""Toy datasets of the seed tutorials, as plain numpy arrays plus what a page needs.

A registry maps a name to a factory; ``load(name, **options)`` returns a ``Dataset``.
Every dataset knows how to turn a student's raw input (a string typed in a box) into
the array the model takes (``encode``) and how to turn a prediction back into
something a person reads (``decode``). Bad input raises ``ValueError`` with a sentence
a student understands. No TensorFlow here: this module must import in milliseconds.

The registry and ``load`` live here; the tasks themselves in ``lstm_core.toy_tasks``
(and ``series``, ``text``), the ``Dataset`` record and its ``Scaler`` in
``lstm_core.dataset_record``, the parsing of typed input in ``lstm_core.typed_input``.
Every name is still importable from here.
"""

from __future__ import annotations

from collections.abc import Callable

from lstm_core.dataset_record import Dataset as Dataset
from lstm_core.dataset_record import Scaler as Scaler
from lstm_core.toy_tasks import CLASSES_000 as CLASSES_000
from lstm_core.toy_tasks import LONG_MEMORY_CLASSES as LONG_MEMORY_CLASSES
from lstm_core.toy_tasks import LONG_MEMORY_DISTRACTORS as LONG_MEMORY_DISTRACTORS
from lstm_core.toy_tasks import LONG_MEMORY_NOISE as LONG_MEMORY_NOISE
from lstm_core.toy_tasks import LONG_MEMORY_SYMBOLS as LONG_MEMORY_SYMBOLS
from lstm_core.toy_tasks import SEQUENCES_000 as SEQUENCES_000
from lstm_core.toy_tasks import _hello, _long_memory, _sequence_classification
from lstm_core.typed_input import one_hot as one_hot
from lstm_core.typed_input import parse_numbers as parse_numbers
from lstm_core.typed_input import parse_steps as parse_steps
from lstm_core.typed_input import vocabulary as vocabulary
from lstm_core.typed_input import window as window

MAX_SERIES = 1_000  # numbers in an own series (typed or a CSV): training and its charts stay live


def _next_number(**options) -> Dataset:
    """Seed 001's windows or a student's own series (``lstm_core.series.next_number``)."""
    from lstm_core import series  # it builds on this module's Dataset, Scaler and window

    return series.next_number(**options)


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
