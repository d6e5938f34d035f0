"""One schema for every hyperparameter: default, bounds, choices and help in one place.

``ModelSpec`` and ``TrainConfig`` declare their fields with ``param(...)``; the same
metadata validates them (``check``), feeds the page widgets (``describe``) and the
generated Keras code, so a bound is written exactly once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """What a widget and a validator need to know about one setting."""

    name: str
    label: str
    default: Any
    lo: float | None = None
    hi: float | None = None
    choices: tuple | None = None
    step: float | None = None
    help: str = ""
    optional: bool = False  # None is allowed (e.g. "no early stopping")
    on_value: Any = None  # an optional setting's value when it is switched on
    log: bool = False  # offered on a 1-2-5 logarithmic scale (``log_steps``)


def param(
    default,
    label: str,
    *,
    lo=None,
    hi=None,
    choices=None,
    step=None,
    help="",
    optional=False,
    on_value=None,
    log=False,
):
    """A dataclass field carrying its own bounds."""
    meta = {
        "label": label,
        "lo": lo,
        "hi": hi,
        "choices": choices,
        "step": step,
        "help": help,
        "optional": optional,
        "on_value": on_value,
        "log": log,
    }
    return dataclasses.field(default=default, metadata=meta)


def log_steps(p: Param) -> list[float]:
    """1-2-5 steps inside the bounds, e.g. 1e-5, 2e-5, 5e-5, …, 0.5, 1 (a learning rate)."""
    values = []
    for exponent in range(-12, 13):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if p.lo <= value <= p.hi:
                values.append(value)
    return values


def describe(cls_or_obj, name: str) -> Param:
    """The Param behind field ``name`` of a schema dataclass."""
    for f in dataclasses.fields(cls_or_obj):
        if f.name == name:
            return Param(name=f.name, default=f.default, **f.metadata)
    raise KeyError(name)


def params(cls_or_obj) -> list[Param]:
    return [describe(cls_or_obj, f.name) for f in dataclasses.fields(cls_or_obj) if f.metadata]


def check(obj) -> None:
    """Raise ValueError with a student-sized sentence for the first out-of-bounds field."""
    for p in params(obj):
        value = getattr(obj, p.name)
        if value is None and p.optional:
            continue
        if p.choices is not None:
            if value not in p.choices:
                options = ", ".join(str(c) for c in p.choices)
                raise ValueError(f"{p.label} must be one of {options} (got {value!r}).")
            continue
        if isinstance(p.default, int) and not isinstance(p.default, bool):
            if isinstance(value, bool) or not float(value).is_integer():
                raise ValueError(f"{p.label} must be a whole number (got {value!r}).")
        if not isinstance(value, int | float) or value != value:
            raise ValueError(f"{p.label} must be a number (got {value!r}).")
        if p.lo is not None and value < p.lo or p.hi is not None and value > p.hi:
            raise ValueError(
                f"{p.label} must be between {p.lo:g} and {p.hi:g} (got {value:g}): "
                "larger values would not fit a classroom server."
                if p.hi is not None and value > p.hi
                else f"{p.label} must be between {p.lo:g} and {p.hi:g} (got {value:g})."
            )


def parse(p: Param, text: str) -> Any:
    """A value for ``p`` from text (a link's query string): converted and bounds-checked.

    Raises ValueError with a short reason ("not a whole number", "must be between 1 and
    512"); choices match their text form ("lstm", "True").
    """
    text = str(text).strip()
    if p.optional and text.lower() in ("", "none", "off"):
        return None
    if isinstance(p.default, tuple) and p.choices is not None:  # several of the choices
        parts = [part for part in text.split(",") if part.strip()]
        return [parse(dataclasses.replace(p, default=p.choices[0]), part) for part in parts]
    if p.choices is not None:
        for choice in p.choices:
            if text.lower() == str(choice).lower():
                return choice
        raise ValueError("must be one of " + ", ".join(str(c) for c in p.choices))
    if isinstance(p.default, str):
        if p.hi is not None and len(text) > p.hi:
            raise ValueError(f"longer than {p.hi:g} characters")
        return text
    try:
        number = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    whole = isinstance(p.default, int) or (p.optional and isinstance(p.lo, int))
    if whole:
        if not number.is_integer():
            raise ValueError("not a whole number")
        number = int(number)
    if p.lo is not None and number < p.lo or p.hi is not None and number > p.hi:
        show = (lambda v: str(int(v))) if whole else (lambda v: f"{v:g}")  # noqa: E731
        raise ValueError(f"must be between {show(p.lo)} and {show(p.hi)}")
    return number
