"""Tests for lstm_core.shapes: every shape and count must be Keras' own, every formula equal."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
from keras import layers as kl

from lstm_core import shapes


def _formula_value(formula: str) -> tuple[int, int]:
    """``"4·(20·(20+1)+20) = 1760"`` -> (the left side evaluated, the number after '=')."""
    left, right = formula.split(" = ")
    expression = left.replace("·", "*")
    assert re.fullmatch(r"[0-9+*() ]+", expression), formula
    return eval(expression), int(right)  # noqa: S307 - digits and + * ( ) only


def _keras_layer(spec: dict) -> keras.layers.Layer:
    """The layer built straight from Keras, independently of lstm_core.shapes."""
    kind = spec["kind"]
    if kind == "embedding":
        return kl.Embedding(spec["input_dim"], spec["output_dim"])
    if kind == "dense":
        return kl.Dense(spec["units"])
    rs = spec.get("return_sequences", False)
    if kind == "gru":
        return kl.GRU(spec["units"], return_sequences=rs, reset_after=spec.get("reset_after", True))
    return {"lstm": kl.LSTM, "simple_rnn": kl.SimpleRNN}[kind](spec["units"], return_sequences=rs)


def _keras_truth(specs: list[dict], input_shape: tuple) -> list[tuple[tuple, int]]:
    """(output shape, count_params) of each layer of a normally built Keras model."""
    dtype = "int32" if specs[0]["kind"] == "embedding" else "float32"
    x = keras.Input(batch_shape=input_shape, dtype=dtype)
    truth = []
    for spec in specs:
        layer = _keras_layer(spec)
        x = layer(x)
        truth.append((tuple(x.shape), layer.count_params()))
    return truth


# --- the seeds' own examples -----------------------------------------------------------------


def test_seed_003_many_to_one():
    lstm, dense = shapes.describe(
        [{"kind": "lstm", "units": 20}, {"kind": "dense", "units": 10}], (32, 25, 1)
    )
    assert lstm.output_shape == (32, 20) and dense.output_shape == (32, 10)
    assert lstm.params == 1760 and dense.params == 210
    assert lstm.formula == "4·(20·(20+1)+20) = 1760"
    assert dense.formula == "(20+1)·10 = 210"
    assert lstm.name == "lstm_1" and lstm.label == "LSTM(20)" and lstm.input_shape == (32, 25, 1)


def test_seed_003_many_to_many():
    stack = [
        {"kind": "lstm", "units": 20, "return_sequences": True},
        {"kind": "dense", "units": 10},
    ]
    lstm, dense = shapes.describe(stack, (32, 25, 1))
    assert lstm.output_shape == (32, 25, 20) and dense.output_shape == (32, 25, 10)
    assert (lstm.params, dense.params) == (1760, 210)  # Dense acts on each step: same weights
    assert lstm.label == "LSTM(20, return_sequences=True)" and lstm.short == "LSTM(20)"


def test_seed_001_parameter_count_of_an_lstm():
    # LSTM params = 4·(units·(units + input_dim) + units): LSTM(10) on (?, 3, 1)
    [row] = shapes.describe([{"kind": "lstm", "units": 10}], (1, 3, 1))
    assert row.params == 4 * (10 * (10 + 1) + 10) == 480
    assert row.rule == "4·(u·(u+d)+u)"


def test_seed_002_embedding_and_simple_rnn():
    stack = [
        {"kind": "embedding", "input_dim": 10000, "output_dim": 32},
        {"kind": "simple_rnn", "units": 32},
    ]
    emb, rnn = shapes.describe(stack, (32, 500))
    assert emb.output_shape == (32, 500, 32) and emb.params == 320000
    assert rnn.output_shape == (32, 32) and rnn.params == 2080  # as the seed's summary
    assert emb.formula == "10000·32 = 320000" and rnn.formula == "32·(32+32)+32 = 2080"


@pytest.mark.parametrize(("reset_after", "expected"), [(True, 1380), (False, 1320)])
def test_gru_counts_with_and_without_reset_after(reset_after, expected):
    [row] = shapes.describe([{"kind": "gru", "units": 20, "reset_after": reset_after}], (32, 25, 1))
    assert row.params == expected == _formula_value(row.formula)[0]


def test_gru_reset_after_defaults_to_keras_default():
    [row] = shapes.describe([{"kind": "gru", "units": 20}], (32, 25, 1))
    assert kl.GRU(20).reset_after is True and row.params == 1380
    assert row.formula == "3·(20·(20+1)+2·20) = 1380"


# --- random valid stacks against Keras -------------------------------------------------------


def _random_stack(rng: np.random.Generator) -> tuple[list[dict], tuple]:
    batch, steps = int(rng.integers(1, 9)), int(rng.integers(1, 12))
    specs: list[dict] = []
    if rng.random() < 0.25:
        specs.append(
            {
                "kind": "embedding",
                "input_dim": int(rng.integers(2, 60)),
                "output_dim": int(rng.integers(1, 9)),
            }
        )
        input_shape: tuple = (batch, steps)
    else:
        input_shape = (batch, steps, int(rng.integers(1, 7)))
    sequence = True
    for _ in range(int(rng.integers(1, 5))):
        kind = str(rng.choice(["lstm", "gru", "simple_rnn", "dense"])) if sequence else "dense"
        spec = {"kind": kind, "units": int(rng.integers(1, 17))}
        if kind != "dense":
            spec["return_sequences"] = bool(rng.random() < 0.5)
            sequence = spec["return_sequences"]
        if kind == "gru" and rng.random() < 0.5:
            spec["reset_after"] = False
        specs.append(spec)
    return specs, input_shape


@pytest.mark.parametrize("seed", range(30))
def test_random_stacks_match_keras(seed):
    specs, input_shape = _random_stack(np.random.default_rng(seed))
    rows = shapes.describe(specs, input_shape)
    truth = _keras_truth(specs, input_shape)
    assert [(r.output_shape, r.params) for r in rows] == truth
    for row in rows:
        left, right = _formula_value(row.formula)
        assert left == right == row.params, row
    assert [r.index for r in rows] == list(range(1, len(specs) + 1))
    assert shapes.total_params(rows) == sum(count for _, count in truth)


def test_largest_allowed_stack_allocates_nothing():
    from keras.src.backend.common import global_state

    stack = [
        {"kind": "lstm", "units": shapes.MAX_UNITS, "return_sequences": True}
    ] * shapes.MAX_LAYERS
    shape = (shapes.MAX_BATCH, shapes.MAX_TIMESTEPS, shapes.MAX_FEATURES)
    rows = shapes.describe(stack, shape)
    assert rows[-1].output_shape == shape[:2] + (shapes.MAX_UNITS,)
    assert rows[0].params == 4 * (1024 * (1024 + 1024) + 1024)
    assert not global_state.get_global_attribute("uninitialized_variables", None)


def test_every_preset_is_a_seed_stack():
    for name, preset in shapes.PRESETS.items():
        if "breaks" in name:
            with pytest.raises(shapes.StackError):
                shapes.describe(preset.layers, preset.input_shape)
        else:
            assert shapes.describe(preset.layers, preset.input_shape)


def test_tensors_tell_sequences_from_single_vectors():
    preset = shapes.PRESETS["Embedding + SimpleRNN (seed 002)"]
    rows = shapes.describe(preset.layers, preset.input_shape)
    words, embedded, rnn, dense = shapes.tensors(rows, preset.input_shape)
    assert (words.shape, words.timesteps, words.features) == ((32, 500), 500, 1)
    assert (embedded.timesteps, embedded.features) == (500, 32)
    assert (rnn.timesteps, rnn.features, rnn.label) == (None, 32, "SimpleRNN(32)")
    assert dense.shape == (32, 1)


def test_input_shape_leaves_out_a_zero_features_axis():
    assert shapes.input_shape(32, 25, 1) == (32, 25, 1)
    assert shapes.input_shape(32, 500, 0) == (32, 500)


# --- refused stacks: a sentence a student understands ----------------------------------------


def test_seed_001_stack_that_breaks():
    stack = [{"kind": "lstm", "units": 20}, {"kind": "lstm", "units": 3}]
    with pytest.raises(ValueError) as info:
        shapes.describe(stack, (32, 25, 1))
    message = str(info.value)
    assert message.startswith(
        "Layer 2 (LSTM) needs a sequence (batch, timesteps, features) but layer 1 (LSTM) "
        "gives (32, 20): set return_sequences=True on layer 1. Keras says: "
    )
    assert "expected ndim=3, found ndim=2" in message and "\n" not in message
    assert info.value.layer == 2 and [r.output_shape for r in info.value.rows] == [(32, 20)]


def test_a_dense_between_does_not_hide_which_layer_to_fix():
    stack = [
        {"kind": "gru", "units": 4},
        {"kind": "dense", "units": 3},
        {"kind": "lstm", "units": 2},
    ]
    with pytest.raises(
        ValueError,
        match=r"layer 2 \(Dense\) gives \(8, 3\): set return_sequences=True on layer 1\. "
        r"Keras says: ",
    ):
        shapes.describe(stack, (8, 5, 2))


def test_a_recurrent_layer_on_an_input_without_features_axis():
    with pytest.raises(
        ValueError,
        match=r"^Layer 1 \(SimpleRNN\) needs a sequence .* but the input is \(32, 25\): "
        r"add a features axis, e\.g\. \(32, 25, 1\)",
    ):
        shapes.describe([{"kind": "simple_rnn", "units": 4}], (32, 25))


def test_embedding_must_come_first():
    stack = [{"kind": "lstm", "units": 4}, {"kind": "embedding", "input_dim": 10, "output_dim": 3}]
    with pytest.raises(
        ValueError,
        match=r"^Layer 2 \(Embedding\) can only be the first layer.*"
        r"move it to the top or remove it\.$",
    ):
        shapes.describe(stack, (32, 25, 1))


def test_embedding_input_has_no_features_axis():
    stack = [{"kind": "embedding", "input_dim": 10, "output_dim": 3}]
    with pytest.raises(
        ValueError,
        match=r"^Layer 1 \(Embedding\) reads word numbers .*"
        r"leave out the features axis, e\.g\. \(32, 25\)\.$",
    ):
        shapes.describe(stack, (32, 25, 1))


@pytest.mark.parametrize(
    ("stack", "input_shape", "pattern"),
    [
        (
            [{"kind": "lstm", "units": 0}],
            (32, 25, 1),
            r"^Layer 1 \(LSTM\): set units to a whole number from 1 to 1024, not 0\.$",
        ),
        (
            [{"kind": "dense", "units": 1025}],
            (32, 25, 1),
            r"set units to a whole number from 1 to 1024, not 1025",
        ),
        ([{"kind": "lstm", "units": 2.5}], (32, 25, 1), r"set units to a whole number"),
        (
            [{"kind": "lstm", "units": 4}],
            (32, 1001, 1),
            r"^The input: set timesteps to a whole number from 1 to 1000",
        ),
        (
            [{"kind": "lstm", "units": 4}],
            (1025, 25, 1),
            r"^The input: set batch to a whole number from 1 to 1024",
        ),
        ([{"kind": "lstm", "units": 4}], (32, 25, 0), r"set features to at least 1"),
        (
            [{"kind": "lstm", "units": 4}],
            (32,),
            r"^Give the input shape as \(batch, timesteps, features\)",
        ),
        (
            [{"kind": "dense", "units": 1}] * 11,
            (32, 25, 1),
            r"^Use at most 10 layers; this stack has 11\.$",
        ),
        ([], (32, 25, 1), r"^Add at least one layer"),
        (
            [{"kind": "conv"}],
            (32, 25, 1),
            r"^Layer 1 needs a kind, one of embedding, simple_rnn, lstm, gru, dense",
        ),
        (
            [{"kind": "lstm", "return_sequence": True}],
            (32, 25, 1),
            r"has no setting 'return_sequence'; its settings are units, return_sequences",
        ),
        (
            [{"kind": "lstm", "units": 4, "return_sequences": "yes"}],
            (32, 25, 1),
            r"set return_sequences to True or False",
        ),
        (
            [{"kind": "embedding", "input_dim": 0, "output_dim": 3}],
            (32, 25),
            r"set input_dim to a whole number from 1 to 100000",
        ),
    ],
)
def test_bad_sizes_and_settings_are_one_sentence(stack, input_shape, pattern):
    with pytest.raises(ValueError, match=pattern) as info:
        shapes.describe(stack, input_shape)
    assert "Keras says" not in str(info.value)  # refused before Keras is asked
