"""A student's tweak reuses the compiled loop, and the reused loop trains like a fresh one.

Dropout rates are arguments of the compiled loop, and on tiny data every batch size runs in
one loop with padded batches. These tests check both halves: no new compile (the loop cache
and the trace count stay put) and the same numbers as the loop Keras' own constants would
give (compiled with the rates baked in, or with unpadded batches).
"""

import dataclasses
from collections import OrderedDict

import numpy as np
import pytest

from lstm_core import datasets, models, training, training_loop


@pytest.fixture(scope="module")
def seq():
    return datasets.load("sequence_classification")


def _train(spec, ds, cfg, seed=0):
    model = models.build(spec, ds, seed=seed)
    result = training.train(model, ds, cfg)
    return result.history["loss"], training.weights_of(model)


def _assert_same_run(a, b, atol=1e-5):
    (loss_a, weights_a), (loss_b, weights_b) = a, b
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5, atol=1e-6)
    for wa, wb in zip(weights_a, weights_b, strict=True):
        np.testing.assert_allclose(wa, wb, atol=atol)


def _trace_count(spec, ds, cfg) -> int:
    loop = training._compiled_loop(models.build(spec, ds), ds, cfg)
    return loop._fn.experimental_get_tracing_count()


def test_a_dropout_change_reuses_the_compiled_loop(seq):
    spec = models.ModelSpec(units=7, dropout=0.2, recurrent_dropout=0.2)
    cfg = training.TrainConfig(epochs=3, batch_size=6)
    _train(spec, seq, cfg)
    loops, traces = len(training._CACHE), _trace_count(spec, seq, cfg)
    for changed in (spec.replace(dropout=0.5), spec.replace(recurrent_dropout=0.45)):
        _train(changed, seq, cfg)
        assert len(training._CACHE) == loops
        assert _trace_count(changed, seq, cfg) == traces == 1


def test_dropout_on_or_off_is_still_another_graph(seq):
    cfg = training.TrainConfig(epochs=2)
    with_dropout = models.ModelSpec(units=5, dropout=0.3)
    key_on = training._architecture_key(models.build(with_dropout, seq), seq, cfg)
    key_other = training._architecture_key(
        models.build(with_dropout.replace(dropout=0.6), seq), seq, cfg
    )
    key_off = training._architecture_key(
        models.build(with_dropout.replace(dropout=0.0), seq), seq, cfg
    )
    assert key_on == key_other != key_off


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_rate_fed_to_the_loop_trains_like_the_rate_baked_in(seq, cell, monkeypatch):
    spec = models.ModelSpec(cell=cell, units=6, dropout=0.5, recurrent_dropout=0.35)
    cfg = training.TrainConfig(epochs=8, batch_size=4, learning_rate=0.01, seed=4)
    _train(spec.replace(dropout=0.1, recurrent_dropout=0.2), seq, cfg)  # compiles the loop
    fed = _train(spec, seq, cfg)  # the same loop, other rates
    other = _train(spec.replace(dropout=0.1, recurrent_dropout=0.2), seq, cfg)
    with monkeypatch.context() as m:  # the loop as Keras writes it: rates as constants
        # patched in training_loop, where the compiled loop reads them
        m.setattr(training_loop, "_CACHE", OrderedDict())
        m.setattr(training_loop, "_rate_slots", lambda model: [])
        baked = _train(spec, seq, cfg)
    _assert_same_run(fed, baked)
    assert not np.allclose(fed[0], other[0])  # and the rate does change the run


def test_a_batch_size_change_on_tiny_data_reuses_the_compiled_loop(seq):
    spec = models.ModelSpec(units=9)
    cfg = training.TrainConfig(epochs=2, batch_size=32)
    _train(spec, seq, cfg)
    loops, traces = len(training._CACHE), _trace_count(spec, seq, cfg)
    for batch_size in (1, 4, 6):
        changed = dataclasses.replace(cfg, batch_size=batch_size)
        _train(spec, seq, changed)
        assert len(training._CACHE) == loops
        assert _trace_count(spec, seq, changed) == traces == 1


def test_larger_data_compiles_its_batch_size():
    assert training.batch_rows(6, 1) == training.batch_rows(6, 32) == 6
    big = training.PAD_BATCH_SAMPLES + 10
    assert training.batch_rows(big, 8) == 8 and training.batch_rows(big, 10**4) == big


@pytest.mark.parametrize("batch_size", [1, 4])
def test_padded_batches_train_like_batches_of_their_own_size(seq, batch_size, monkeypatch):
    spec = models.ModelSpec(units=6, dropout=0.3, recurrent_dropout=0.2)
    cfg = training.TrainConfig(epochs=6, batch_size=batch_size, learning_rate=0.01, seed=2)
    padded = _train(spec, seq, cfg)
    with monkeypatch.context() as m:  # every batch size its own loop, no padding rows
        m.setattr(training_loop, "_CACHE", OrderedDict())
        m.setattr(training_loop, "PAD_BATCH_SAMPLES", 0)
        assert training._compiled_loop(models.build(spec, seq), seq, cfg).rows == batch_size
        own = _train(spec, seq, cfg)
    _assert_same_run(padded, own)


def test_batch_of_one_equals_model_fit(seq):
    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=1), models.build(spec, seq, seed=1)
    cfg = training.TrainConfig(epochs=4, batch_size=1, learning_rate=0.01, shuffle=False)
    theirs.optimizer.learning_rate = 0.01
    result = training.train(ours, seq, cfg)
    history = theirs.fit(seq.x, seq.y, epochs=4, batch_size=1, shuffle=False, verbose=0).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_the_pool_sends_a_dropout_change_to_the_worker_that_compiled_it():
    from lstm_core.jobs import Experiment

    def arch(**rates):
        spec, cfg = models.ModelSpec(units=8, **rates), training.TrainConfig()
        return Experiment.of("sequence_classification", {}, spec, cfg).architecture

    assert arch(dropout=0.2) == arch(dropout=0.5) != arch(dropout=0.0)
    assert arch(recurrent_dropout=0.1) == arch(recurrent_dropout=0.7) != arch()


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
def test_an_activation_change_reuses_the_loop_and_trains_as_model_fit(seq, cell):
    spec = models.ModelSpec(cell=cell, units=5)
    cfg = training.TrainConfig(epochs=4, batch_size=3, learning_rate=0.01, shuffle=False)
    _train(spec, seq, cfg)  # tanh compiles the loop
    loops, traces = len(training._CACHE), _trace_count(spec, seq, cfg)
    for activation in ("relu", "sigmoid", "linear"):
        changed = spec.replace(activation=activation)
        ours, theirs = models.build(changed, seq, seed=1), models.build(changed, seq, seed=1)
        result = training.train(ours, seq, cfg)
        assert len(training._CACHE) == loops
        assert _trace_count(changed, seq, cfg) == traces == 1
        theirs.optimizer.learning_rate = 0.01
        fit = theirs.fit(seq.x, seq.y, epochs=4, batch_size=3, shuffle=False, verbose=0)
        np.testing.assert_allclose(result.history["loss"], fit.history["loss"], rtol=1e-4)
        for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
            np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_the_pool_counts_no_activation_of_a_recurrent_layer():
    from lstm_core.jobs import Experiment

    def arch(**changes):
        spec, cfg = models.ModelSpec(units=8).replace(**changes), training.TrainConfig()
        return Experiment.of("sequence_classification", {}, spec, cfg).architecture

    assert arch(activation="relu") == arch() != arch(cell="gru")


def test_the_pool_counts_a_validation_split_and_the_optimizer_as_the_loop_does(seq):
    """Experiments whose loops differ must differ in the pool's eyes, or a warm-up of one
    is taken for the other (the first click of "overfitting" compiled for 6 s)."""
    from lstm_core.jobs import Experiment

    spec = models.ModelSpec(units=8)
    configs = [training.TrainConfig(), training.TrainConfig(validation_split=0.5),
               training.TrainConfig(optimizer="sgd")]  # fmt: skip
    loops, archs = set(), set()
    for cfg in configs:
        model = models.build(spec, seq)
        data, held_out = training.split_validation(seq, cfg.validation_split)
        loops.add(training_loop._architecture_key(model, data, cfg, held_out))
        archs.add(Experiment.of("sequence_classification", {}, spec, cfg).architecture)
    assert len(loops) == len(archs) == len(configs)
    rates = (
        training.TrainConfig(validation_split=0.5),
        training.TrainConfig(validation_split=0.5, learning_rate=0.1),
    )
    assert (
        len({Experiment.of("sequence_classification", {}, spec, c).architecture for c in rates})
        == 1
    )
