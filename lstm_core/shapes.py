"""What shape each layer of a stack gives, and how many parameters it has (seeds 001 and 003).

``describe(layers, input_shape)`` builds the real Keras model (``keras.Input`` with the
batch size fixed, then the layers) and reads every output shape and parameter count
from Keras itself; the formula beside each count is the explanation, and equals it:

* LSTM ``4·(u·(u+d)+u)``, GRU ``3·(u·(u+d)+2u)`` (``reset_after``, Keras' default) or
  ``3·(u·(u+d)+u)``, SimpleRNN ``u·(u+d)+u``, Dense ``(d+1)·u``, Embedding ``v·o``
  (u units, d the last axis of the layer's input, v the vocabulary, o output_dim).

A stack Keras refuses — seed 001's LSTM after an LSTM without ``return_sequences`` —
raises ``StackError`` (a ``ValueError``): one sentence naming what to change, then the
Keras error's first line. The weights are never allocated (Keras' ``StatelessScope``),
so even the largest allowed stack is described in milliseconds.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from lstm_core.schema import Param

# Every bound of this module, in one place.
MAX_LAYERS = 10
MAX_UNITS = 1024
MAX_TIMESTEPS = 1000
MAX_BATCH = 1024
MAX_FEATURES = 1024
MAX_VOCABULARY = 100_000

KIND_NAMES = {
    "embedding": "Embedding",
    "simple_rnn": "SimpleRNN",
    "lstm": "LSTM",
    "gru": "GRU",
    "dense": "Dense",
}
RECURRENT = ("simple_rnn", "lstm", "gru")

_UNITS = Param("units", "units", 20, lo=1, hi=MAX_UNITS, help="Size of the layer's output.")
_SEQUENCES = Param(
    "return_sequences",
    "return_sequences",
    False,
    help="On: one output per time step (batch, timesteps, units), needed before another "
    "recurrent layer. Off: only the last step's output (batch, units).",
)
_RESET_AFTER = Param(
    "reset_after", "reset_after", True, help="Keras' default: two biases per gate (2u)."
)
_INPUT_DIM = Param(
    "input_dim",
    "input_dim",
    10_000,
    lo=1,
    hi=MAX_VOCABULARY,
    help="The vocabulary: how many different words (word numbers 0 … input_dim − 1).",
)
_OUTPUT_DIM = Param("output_dim", "output_dim", 32, lo=1, hi=MAX_UNITS, help="Vector per word.")

# kind -> the settings of that kind of layer (their defaults, bounds and help).
FIELDS: dict[str, tuple[Param, ...]] = {
    "embedding": (_INPUT_DIM, _OUTPUT_DIM),
    "simple_rnn": (_UNITS, _SEQUENCES),
    "lstm": (_UNITS, _SEQUENCES),
    "gru": (_UNITS, _SEQUENCES, _RESET_AFTER),
    "dense": (_UNITS,),
}

# The input's axes; features 0 means "no features axis" (word numbers for an Embedding).
INPUT_FIELDS = (
    Param("batch", "batch", 32, lo=1, hi=MAX_BATCH, help="Samples per batch."),
    Param("timesteps", "timesteps", 25, lo=1, hi=MAX_TIMESTEPS, help="Steps per sequence."),
    Param(
        "features",
        "features",
        1,
        lo=0,
        hi=MAX_FEATURES,
        help="Numbers per step; 0 = no features axis (word numbers, for an Embedding).",
    ),
)
LAYER_COUNT = Param("layers", "layers", 2, lo=1, hi=MAX_LAYERS, help="How many layers to stack.")


@dataclass(frozen=True)
class LayerShape:
    """One layer of a described stack: what it gives and what it costs, from Keras."""

    index: int  # 1-based position in the stack
    name: str  # the Keras layer name, e.g. "lstm_1"
    kind: str  # "lstm", "dense", ...
    label: str  # "LSTM(20, return_sequences=True)"
    short: str  # "LSTM(20)": the tensor picture shows return_sequences by the output's shape
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]  # batch included, exactly as Keras reports it
    params: int  # == the layer's count_params()
    rule: str  # "4·(u·(u+d)+u)"
    formula: str  # "4·(20·(20+1)+20) = 1760"


class Tensor(NamedTuple):
    """One tensor flowing through the stack, as the tensor picture draws it."""

    label: str  # "input", "LSTM(20)", ...
    shape: tuple[int, ...]
    timesteps: int | None  # None: one vector per sample (the end of a many-to-one layer)
    features: int  # numbers per step (1 for word numbers)


@dataclass(frozen=True)
class Preset:
    """A stack from the seeds, ready to load into the page."""

    input_shape: tuple[int, ...]
    layers: tuple[Mapping[str, Any], ...]


PRESETS: dict[str, Preset] = {
    "seed 003: LSTM(20) many-to-one": Preset(
        (32, 25, 1), ({"kind": "lstm", "units": 20}, {"kind": "dense", "units": 10})
    ),
    "seed 003: return_sequences=True + Dense(10) many-to-many": Preset(
        (32, 25, 1),
        ({"kind": "lstm", "units": 20, "return_sequences": True}, {"kind": "dense", "units": 10}),
    ),
    "seed 001: two stacked LSTMs (works)": Preset(
        (1, 3, 1),
        (
            {"kind": "lstm", "units": 20, "return_sequences": True},
            {"kind": "lstm", "units": 3},
            {"kind": "dense", "units": 5},
            {"kind": "dense", "units": 1},
        ),
    ),
    "seed 001: the stack that breaks": Preset(
        (1, 3, 1),
        (
            {"kind": "lstm", "units": 20},
            {"kind": "lstm", "units": 3},
            {"kind": "dense", "units": 5},
            {"kind": "dense", "units": 1},
        ),
    ),
    "Embedding + SimpleRNN (seed 002)": Preset(
        (32, 500),
        (
            {"kind": "embedding", "input_dim": 10_000, "output_dim": 32},
            {"kind": "simple_rnn", "units": 32},
            {"kind": "dense", "units": 1},
        ),
    ),
}


class StackError(ValueError):
    """A stack Keras (or the lesson) refuses: the sentence, the layer, what was built before."""

    def __init__(self, message: str, layer: int = 0, rows: Sequence[LayerShape] = ()):
        super().__init__(message)
        self.layer = layer  # 1-based index of the refused layer; 0: the input or a setting
        self.rows = tuple(rows)  # the layers before it, described


def input_shape(batch: int, timesteps: int, features: int = 0) -> tuple[int, ...]:
    """``(batch, timesteps, features)``, or ``(batch, timesteps)`` when features is 0."""
    return (batch, timesteps, features) if features else (batch, timesteps)


def describe(layers: Sequence[Mapping[str, Any]], input_shape: Sequence[int]) -> list[LayerShape]:
    """One row per layer: Keras' output shape and parameter count, and the formula."""
    specs = _check_layers(layers)
    shape = _check_input(input_shape, specs[0])
    with _no_weights():
        return _build(specs, shape)


def total_params(rows: Sequence[LayerShape]) -> int:
    return sum(row.params for row in rows)


def tensors(rows: Sequence[LayerShape], input_shape: Sequence[int]) -> list[Tensor]:
    """The input, then each layer's output, for the tensor picture."""
    shape = tuple(int(n) for n in input_shape)
    if len(shape) == 2:  # (batch, timesteps) of word numbers, before an Embedding
        first = Tensor("input (word numbers)", shape, shape[1], 1)
    else:
        first = Tensor("input", shape, shape[1], shape[2])
    return [first, *(_tensor(row.short, row.output_shape) for row in rows)]


def label(spec: Mapping[str, Any], options: bool = True) -> str:
    """``LSTM(20, return_sequences=True)``: the layer as Keras code would name it.

    Without ``options``, only the kind and size: ``LSTM(20)``.
    """
    kind = spec["kind"]
    spec = {**{p.name: p.default for p in FIELDS[kind]}, **spec}
    if kind == "embedding":
        return f"Embedding({spec['input_dim']}, {spec['output_dim']})"
    args = [str(spec["units"])]
    if options and spec.get("return_sequences"):
        args.append("return_sequences=True")
    if options and kind == "gru" and not spec.get("reset_after", True):
        args.append("reset_after=False")
    return f"{KIND_NAMES[kind]}({', '.join(args)})"


def _tensor(name: str, shape: tuple[int, ...]) -> Tensor:
    if len(shape) == 3:
        return Tensor(name, shape, shape[1], shape[2])
    return Tensor(name, shape, None, shape[-1])


# --- checking what the student asked for -------------------------------------------------


def _check_layers(layers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(layers, Sequence) or not layers:
        raise StackError("Add at least one layer to the stack.")
    if len(layers) > MAX_LAYERS:
        raise StackError(f"Use at most {MAX_LAYERS} layers; this stack has {len(layers)}.")
    return [_check_layer(i, layer) for i, layer in enumerate(layers, 1)]


def _check_layer(index: int, layer: Mapping[str, Any]) -> dict[str, Any]:
    kind = layer.get("kind") if isinstance(layer, Mapping) else None
    if kind not in FIELDS:
        kinds = ", ".join(FIELDS)
        raise StackError(f"Layer {index} needs a kind, one of {kinds}; got {kind!r}.")
    where = f"Layer {index} ({KIND_NAMES[kind]})"
    fields = {p.name: p for p in FIELDS[kind]}
    unknown = sorted(set(layer) - {"kind", *fields})
    if unknown:
        names = ", ".join(fields)
        raise StackError(f"{where} has no setting {unknown[0]!r}; its settings are {names}.")
    spec: dict[str, Any] = {"kind": kind}
    for name, p in fields.items():
        value = layer.get(name, p.default)
        spec[name] = (
            _flag(value, where, p) if isinstance(p.default, bool) else _whole(value, where, p)
        )
    return spec


def _whole(value: Any, where: str, p: Param) -> int:
    integral = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not integral and isinstance(value, float) and value.is_integer():
        integral, value = True, int(value)
    if not integral or not p.lo <= int(value) <= p.hi:
        raise StackError(
            f"{where}: set {p.name} to a whole number from {p.lo} to {p.hi}, not {value!r}."
        )
    return int(value)


def _flag(value: Any, where: str, p: Param) -> bool:
    if value in (True, False):  # bool, numpy bool, 0 or 1
        return bool(value)
    raise StackError(f"{where}: set {p.name} to True or False, not {value!r}.")


def _check_input(shape: Sequence[int], first: Mapping[str, Any]) -> tuple[int, ...]:
    try:
        dims = tuple(shape)
    except TypeError:
        dims = ()
    if len(dims) not in (2, 3):
        raise StackError(
            "Give the input shape as (batch, timesteps, features), or (batch, timesteps) "
            f"before an Embedding; got {shape!r}."
        )
    where = "The input"
    out = tuple(_whole(n, where, p) for n, p in zip(dims, INPUT_FIELDS, strict=False))
    if len(out) == 3 and out[2] == 0:
        raise StackError("The input: set features to at least 1, or leave the axis out.")
    if first["kind"] == "embedding" and len(out) == 3:
        raise StackError(
            f"Layer 1 (Embedding) reads word numbers shaped (batch, timesteps), but the input "
            f"is {out}: leave out the features axis, e.g. {out[:2]}.",
            1,
        )
    return out


# --- building the stack in Keras ---------------------------------------------------------


@contextmanager
def _no_weights() -> Iterator[None]:
    """Build layers without allocating their weights: shapes and counts only.

    Keras defers the initialisers of variables created in a ``StatelessScope`` and keeps
    them in a (per-thread) list of pending variables; the list is put back as it was, so
    nothing from here is ever initialised later or kept alive.
    """
    import keras
    from keras.src.backend.common import global_state

    pending = list(global_state.get_global_attribute("uninitialized_variables", None) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)


def _build(specs: list[dict[str, Any]], shape: tuple[int, ...]) -> list[LayerShape]:
    import keras

    dtype = "int32" if specs[0]["kind"] == "embedding" else "float32"
    inputs = x = keras.Input(batch_shape=shape, dtype=dtype)
    rows: list[LayerShape] = []
    counts: dict[str, int] = {}
    for index, spec in enumerate(specs, 1):
        counts[spec["kind"]] = counts.get(spec["kind"], 0) + 1
        layer = _keras_layer(spec, f"{spec['kind']}_{counts[spec['kind']]}")
        problem = _problem(index, spec, specs, tuple(x.shape), rows)
        try:
            y = layer(x)
        except Exception as exc:  # Keras refuses: our sentence, then Keras' own words
            sentence = problem or f"Keras cannot put layer {index} ({label(spec)}) here."
            raise StackError(f"{sentence} Keras says: {_first_line(exc)}", index, rows) from exc
        if problem:  # Keras would accept it, but it makes no sense (an Embedding not first)
            raise StackError(problem, index, rows)
        rows.append(_row(index, spec, layer, tuple(x.shape), tuple(y.shape)))
        x = y
    keras.Model(inputs, x)  # the whole model, as a student would build it
    return rows


def _keras_layer(spec: Mapping[str, Any], name: str):
    from keras import layers

    kind = spec["kind"]
    if kind == "embedding":
        return layers.Embedding(spec["input_dim"], spec["output_dim"], name=name)
    if kind == "dense":
        return layers.Dense(spec["units"], name=name)
    options = {"return_sequences": spec["return_sequences"], "name": name}
    if kind == "gru":
        options["reset_after"] = spec["reset_after"]
    cls = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}[kind]
    return cls(spec["units"], **options)


def _problem(index, spec, specs, shape, rows) -> str | None:
    """The sentence for a layer that cannot take ``shape``, or None if it can."""
    where = f"Layer {index} ({KIND_NAMES[spec['kind']]})"
    if spec["kind"] == "embedding" and index > 1:
        before = f"layer {index - 1} ({KIND_NAMES[specs[index - 2]['kind']]})"
        return (
            f"{where} can only be the first layer, because it reads word numbers and {before} "
            f"gives real numbers {shape}: move it to the top or remove it."
        )
    if spec["kind"] not in RECURRENT or len(shape) == 3:
        return None
    need = f"{where} needs a sequence (batch, timesteps, features)"
    if index == 1:
        fix = f"add a features axis, e.g. {(*shape, 1)}, or put an Embedding first"
        return f"{need} but the input is {shape}: {fix}."
    gives = f"layer {index - 1} ({KIND_NAMES[specs[index - 2]['kind']]}) gives {shape}"
    last = [r.index for r in rows if r.kind in RECURRENT and len(r.output_shape) == 2]
    if last:
        return f"{need} but {gives}: set return_sequences=True on layer {last[-1]}."
    return f"{need} but {gives}: give the input a time axis, (batch, timesteps, features)."


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()


def _row(index, spec, layer, in_shape, out_shape) -> LayerShape:
    rule, formula = _formula(spec, in_shape[-1])
    return LayerShape(
        index=index,
        name=layer.name,
        kind=spec["kind"],
        label=label(spec),
        short=label(spec, options=False),
        input_shape=in_shape,
        output_shape=out_shape,
        params=int(layer.count_params()),
        rule=rule,
        formula=formula,
    )


def _formula(spec: Mapping[str, Any], d: int) -> tuple[str, str]:
    """The counting rule and the rule with the numbers filled in, ``… = count``."""
    kind = spec["kind"]
    if kind == "embedding":
        v, o = spec["input_dim"], spec["output_dim"]
        return "v·o", f"{v}·{o} = {v * o}"
    u = spec["units"]
    if kind == "dense":
        return "(d+1)·u", f"({d}+1)·{u} = {(d + 1) * u}"
    core = f"{u}·({u}+{d})"
    if kind == "simple_rnn":
        return "u·(u+d)+u", f"{core}+{u} = {u * (u + d) + u}"
    if kind == "lstm":
        return "4·(u·(u+d)+u)", f"4·({core}+{u}) = {4 * (u * (u + d) + u)}"
    if spec["reset_after"]:
        return "3·(u·(u+d)+2u)", f"3·({core}+2·{u}) = {3 * (u * (u + d) + 2 * u)}"
    return "3·(u·(u+d)+u)", f"3·({core}+{u}) = {3 * (u * (u + d) + u)}"
