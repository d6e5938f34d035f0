"""A loop compiled for more units trains a narrower model as its own loop would.

The units change is a student's most common tweak: it reuses a wider compiled loop with
the extra units padded with zeros and their gradients masked. These tests check that the
numbers are the model's own (against a loop compiled for the model's width, which the
other tests check against ``model.fit``), that no compile happens, and where reuse stops.
"""

from collections import OrderedDict

import numpy as np
import pytest

from lstm_core import datasets, models, padded_units, trace, training, training_loop
from lstm_core.job_records import Experiment, trains_in


@pytest.fixture(scope="module")
def seq():
    return datasets.load("sequence_classification")


@pytest.fixture
def empty_cache(monkeypatch):
    monkeypatch.setattr(training_loop, "_CACHE", OrderedDict())
    return training_loop


def _train(spec, ds, cfg, seed=1):
    model = models.build(spec, ds, seed=seed)
    result = training.train(model, ds, cfg)
    return result.history["loss"], training.weights_of(model)


def test_pad_puts_each_gate_block_at_its_start_and_cut_undoes_it():
    u, up = 2, 3
    kernel = np.arange(1, 4 * u + 1, dtype=np.float32).reshape(1, 4 * u)  # i f c o, 2 each
    padded = padded_units.pad(kernel, (1, 4 * up), u, up)
    np.testing.assert_array_equal(padded, [[1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8, 0]])
    recurrent = np.ones((u, 4 * u), np.float32)
    grown = padded_units.pad(recurrent, (up, 4 * up), u, up)
    assert grown.shape == (up, 4 * up) and grown.sum() == recurrent.sum()
    np.testing.assert_array_equal(padded_units.cut(grown, (u, 4 * u), u, up), recurrent)
    np.testing.assert_array_equal(padded_units.cut(padded, (1, 4 * u), u, up), kernel)


def test_a_longer_stateless_draw_starts_with_the_shorter_one():
    """What keeps a padded model's dropout masks its own: one flat draw holds every width."""
    import tensorflow as tf

    @tf.function(jit_compile=True)
    def draws(seed):
        return (
            tf.random.stateless_uniform((6, 5), seed=seed),
            tf.random.stateless_uniform((6 * 40,), seed=seed),
        )

    for seed in ([0, 1], [123, 7919], [2**30, 5]):
        own, longer = draws(tf.constant(seed, tf.int32))
        np.testing.assert_array_equal(own.numpy().ravel(), longer.numpy()[:30])


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
def test_a_narrower_model_trains_in_the_wider_loop_as_in_its_own(seq, cell, empty_cache):
    spec = models.ModelSpec(
        cell=cell, units=12, layers=2, dropout=0.2, recurrent_dropout=0.3, dense_units=5
    )
    cfg = training.TrainConfig(epochs=12, batch_size=4, learning_rate=0.01, seed=3)
    _train(spec.replace(units=40), seq, cfg, seed=0)  # compiles the loop of 40 units
    padded = _train(spec, seq, cfg)
    assert [key[-1] for key in empty_cache._CACHE] == [(40, 40)]  # nothing compiled for 12
    empty_cache._CACHE.clear()
    own = _train(spec, seq, cfg)
    assert [key[-1] for key in empty_cache._CACHE] == [(12, 12)]
    np.testing.assert_allclose(padded[0], own[0], rtol=1e-5)
    for a, b in zip(padded[1], own[1], strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_the_head_and_the_inside_of_a_padded_run_are_the_models_own(seq, empty_cache):
    """After a padded run the model predicts and traces as a model of its own width."""
    spec = models.ModelSpec(units=6, recurrent_dropout=0.2)
    cfg = training.TrainConfig(epochs=5, batch_size=6, seed=2)
    _train(spec.replace(units=20), seq, cfg)
    model = models.build(spec, seq, seed=4)
    training.train(model, seq, cfg)
    assert len(empty_cache._CACHE) == 1
    assert models.recurrent_layers(model)[0].cell.kernel.shape == (1, 24)
    layer = trace.trace(model, seq.x)[0]
    assert layer.h.shape[-1] == 6 and np.isfinite(layer.h).all()
    keras_h = np.asarray(models.recurrent_layers(model)[0](seq.x))
    np.testing.assert_allclose(layer.h[:, -1], keras_h, atol=1e-5)


def test_reuse_stops_where_the_wider_loop_costs_more_than_a_compile(seq, empty_cache):
    spec = models.ModelSpec(units=8)
    cfg = training.TrainConfig(epochs=3, seed=0)
    _train(spec.replace(units=64), seq, cfg)
    (wide,) = empty_cache._CACHE.values()
    wide.epoch_seconds = 10.0  # as if each epoch of the wide loop took 10 s
    _train(spec, seq, cfg)
    assert sorted(key[-1] for key in empty_cache._CACHE) == [(8,), (64,)]


def test_which_widths_a_loop_may_train():
    assert padded_units.fits((64,), (128,)) and padded_units.fits((2,), (128,))
    assert padded_units.fits((200,), (512,)) and padded_units.fits((32, 32), (64, 64))
    assert not padded_units.fits((128,), (64,))  # never narrower
    assert not padded_units.fits((2,), (512,))  # 256 times the multiply-adds
    assert not padded_units.fits((32,), (64, 64))  # another depth
    assert not padded_units.fits((32, 16), (64, 64))  # layers of different widths


def test_the_pool_sends_a_narrower_model_to_a_worker_that_compiled_a_wider_one():
    def arch(**changes):
        spec = models.ModelSpec(units=128, dropout=0.2).replace(**changes)
        experiment = Experiment.of("sequence_classification", {}, spec, training.TrainConfig())
        return experiment.architecture

    assert trains_in(arch(units=64), arch()) and trains_in(arch(units=32), arch())
    assert not trains_in(arch(), arch(units=64))
    assert not trains_in(arch(units=64, cell="gru"), arch())
    assert not trains_in(arch(units=64, dropout=0.0), arch())
