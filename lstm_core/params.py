"""Why a layer has the parameters it has: each layer's count as a formula, numbers filled in.

Seed 001's lesson: an LSTM has 4·(units·(units + input_dim) + units) parameters — four
gates, each a Dense over [h_(t-1), x_t] — where a Dense has input_dim·units + units.
The rows of ``explain(model)`` add up to ``model.count_params()`` for every cell kind.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerParams:
    """One layer's parameter count, as the formula and with the numbers filled in."""

    name: str
    kind: str
    formula: str
    filled: str
    count: int


def explain(model) -> list[LayerParams]:
    """One row per layer of ``model`` that has weights (or shapes worth showing)."""
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        formula, filled, count = _formula(layer, kind)
        rows.append(LayerParams(layer.name, kind, formula, filled, count))
    return rows


def _input_dim(layer) -> int:
    shape = layer.input.shape if hasattr(layer, "input") else layer.input_shape
    return int(shape[-1])


def _formula(layer, kind: str) -> tuple[str, str, int]:
    if kind in ("LSTM", "GRU", "SimpleRNN"):
        return _recurrent_formula(layer, kind)
    if kind == "Dense":
        n, m = _input_dim(layer), layer.units
        if layer.use_bias:
            return "input_dim·units + units", f"{n}·{m} + {m}", n * m + m
        return "input_dim·units", f"{n}·{m}", n * m
    if kind == "Embedding":
        v, d = layer.input_dim, layer.output_dim
        return "vocabulary·output_dim", f"{v}·{d}", v * d
    count = int(layer.count_params())
    return "no weights" if count == 0 else "(see Keras)", str(count), count


def _recurrent_formula(layer, kind: str) -> tuple[str, str, int]:
    cell = layer.cell
    u, n = cell.units, _input_dim(layer)
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[kind]
    g = f"{gates}·" if gates > 1 else ""
    bias_terms = 0
    if cell.use_bias:
        bias_terms = 2 if kind == "GRU" and cell.reset_after else 1
    weights = u * (u + n)
    count = gates * (weights + bias_terms * u)
    bias_txt = {0: "", 1: " + units", 2: " + 2·units"}[bias_terms]
    bias_num = {0: "", 1: f" + {u}", 2: f" + 2·{u}"}[bias_terms]
    formula = f"{g}(units·(units + input_dim){bias_txt})"
    filled = f"{g}({u}·({u} + {n}){bias_num})"
    return formula, filled, count
