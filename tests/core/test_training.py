"""The fast trainer against model.fit itself: same losses, same weights, same stopping."""

import dataclasses

import numpy as np
import pytest

from lstm_core import datasets, models, training, training_loop


@pytest.fixture(scope="module")
def seq():
    return datasets.load("sequence_classification")


def _fit_like(model, ds, epochs, batch_size, callbacks=()):
    """Plain Keras with the trainer's semantics made deterministic (no shuffle)."""
    return model.fit(ds.x, ds.y, epochs=epochs, batch_size=batch_size, shuffle=False,
                     verbose=0, callbacks=list(callbacks))  # fmt: skip


@pytest.mark.parametrize("batch_size", [6, 4])  # one batch; a smaller last batch
def test_losses_and_weights_equal_model_fit(seq, batch_size):
    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=1), models.build(spec, seq, seed=1)
    cfg = training.TrainConfig(epochs=5, batch_size=batch_size, learning_rate=0.01,
                               shuffle=False)  # fmt: skip
    theirs.optimizer.learning_rate = 0.01
    result = training.train(ours, seq, cfg)
    history = _fit_like(theirs, seq, 5, batch_size).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    np.testing.assert_allclose(
        result.history["accuracy"], history["categorical_accuracy"], atol=1e-6
    )
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_streams_every_epoch_and_predicts_like_keras(seq):
    seen = []
    model = models.build(models.ModelSpec(units=16), seq)
    result = training.train(model, seq, training.TrainConfig(epochs=30, learning_rate=0.01),
                            on_epoch=lambda e, logs: seen.append((e, logs["loss"])))  # fmt: skip
    assert [e for e, _ in seen] == list(range(30))
    assert [loss for _, loss in seen] == result.history["loss"]
    assert result.epochs_run == 30 and result.stop_reason == "completed"
    assert result.history["loss"][-1] < result.history["loss"][0]
    # the trained weights live in the keras model itself
    np.testing.assert_allclose(model(seq.x).numpy(), model.predict(seq.x, verbose=0), atol=1e-6)


def test_same_seed_same_history_and_other_seed_differs(seq):
    spec = models.ModelSpec(units=16, dropout=0.2, recurrent_dropout=0.2)
    runs = []
    for seed in (5, 5, 6):
        model = models.build(spec, seq, seed=seed)
        cfg = training.TrainConfig(epochs=20, batch_size=2, seed=seed)
        runs.append(training.train(model, seq, cfg).history["loss"])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_stop_request_keeps_what_was_trained(seq):
    model = models.build(models.ModelSpec(units=8), seq)
    before = model.get_weights()
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 2  # let two chunks run, then ask to stop

    cfg = training.TrainConfig(epochs=5000, learning_rate=0.01)
    result = training.train(model, seq, cfg, should_stop=should_stop)
    assert result.stop_reason == "stopped"
    assert 0 < result.epochs_run < 5000
    assert len(result.history["loss"]) == result.epochs_run
    assert not np.allclose(before[0], model.get_weights()[0])


def test_interrupted_callback_leaves_a_consistent_model(seq):
    model = models.build(models.ModelSpec(units=8), seq)

    class Interrupted(Exception):
        pass

    def on_epoch(epoch, logs):
        if epoch == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        training.train(model, seq, training.TrainConfig(epochs=50), on_epoch=on_epoch)
    assert np.all(np.isfinite(model.get_weights()[0]))
    fresh = models.build(models.ModelSpec(units=8), seq)
    assert not np.allclose(model.get_weights()[0], fresh.get_weights()[0])


def test_early_stopping_matches_keras(seq):
    import keras

    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=2), models.build(spec, seq, seed=2)
    theirs.optimizer.learning_rate = 0.5  # big steps: the loss bounces and stops improving
    cfg = training.TrainConfig(epochs=300, learning_rate=0.5, patience=3, shuffle=False)
    result = training.train(ours, seq, cfg)
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=3, mode="auto")
    history = _fit_like(theirs, seq, 300, 32, [stopper]).history
    assert result.stop_reason == "early_stopping"
    assert result.epochs_run == len(history["loss"]) < 300
    assert "did not improve for 3 epochs" in result.message


def test_nan_loss_stops_with_a_reason():
    ds = datasets.load("next_number")
    ds = dataclasses.replace(ds, y=np.full_like(ds.y, 1e30))  # (1e30)² overflows float32
    model = models.build(models.ModelSpec(units=4), ds)
    result = training.train(model, ds, training.TrainConfig(epochs=50))
    assert result.stop_reason == "nan" and result.epochs_run == 1
    assert "Lower the learning rate" in result.message


def test_second_model_of_same_spec_reuses_the_compiled_loop(seq):
    spec, cfg = models.ModelSpec(units=12), training.TrainConfig(epochs=3)
    training.train(models.build(spec, seq, seed=0), seq, cfg)
    loops = len(training._CACHE)
    loop = training._compiled_loop(models.build(spec, seq, seed=1), seq, cfg)
    traces = loop._fn.experimental_get_tracing_count()
    training.train(models.build(spec, seq, seed=1), seq, dataclasses.replace(cfg, seed=9))
    assert len(training._CACHE) == loops
    assert loop._fn.experimental_get_tracing_count() == traces


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 0}, "Epochs must be between"),
        ({"epochs": 10**6}, "Epochs must be between"),
        ({"batch_size": 0}, "Batch size must be between"),
        ({"learning_rate": 5.0}, "Learning rate must be between"),
        ({"patience": 0}, "patience must be between"),
    ],
)
def test_config_rejects_absurd_settings(changes, message):
    with pytest.raises(ValueError, match=message):
        training.TrainConfig(**changes)


def test_warm_up_compiles_so_the_first_click_is_warm(seq):
    spec, cfg = models.ModelSpec(units=6, layers=2), training.TrainConfig(epochs=4, seed=3)
    training.warm_up(spec, seq, cfg)
    model = models.build(spec, seq, seed=3)
    loop = training._compiled_loop(model, seq, cfg)
    traces, loops = loop._fn.experimental_get_tracing_count(), len(training._CACHE)
    assert traces == 1  # traced (and compiled) by the warm-up, with zero epochs trained
    result = training.train(model, seq, cfg)
    assert result.epochs_run == 4
    assert loop._fn.experimental_get_tracing_count() == traces
    assert len(training._CACHE) == loops


def test_divergence_rule_compares_with_the_first_epoch():
    assert training.exploded(2e6, 1.0) and not training.exploded(9e5, 1.0)
    assert not training.exploded(5.0, 0.0)  # a perfect first epoch is no reference
    assert training.exploded(11.0, 1.0, factor=10) and not training.exploded(9.0, 1.0, factor=10)


def test_a_loss_above_the_limit_stops_as_diverged(seq, monkeypatch):
    # A factor under 1 makes the first epoch itself "exploded": the stop is certain on any
    # CPU, and what is checked is the path from the graph's decision to the message.
    monkeypatch.setattr(training_loop, "EXPLODE_FACTOR", 0.5)  # read where the loop runs
    model = models.build(models.ModelSpec(units=8), seq)
    result = training.train(model, seq, training.TrainConfig(epochs=50))
    assert result.stop_reason == "diverged" and result.epochs_run == 1
    assert "the loss grew from" in result.message and "lower the learning rate" in result.message


def test_snapshots_land_every_k_epochs_with_the_weights_of_that_epoch(seq):
    spec, cfg = models.ModelSpec(units=8), training.TrainConfig(epochs=20, learning_rate=0.01)
    snaps = []
    model = models.build(spec, seq)
    training.train(model, seq, cfg, snapshot_every=4, on_snapshot=lambda e, w: snaps.append((e, w)))
    assert [epoch for epoch, _ in snaps] == [4, 8, 12, 16, 20]
    for got, now in zip(snaps[-1][1], training.weights_of(model), strict=True):
        np.testing.assert_array_equal(got, now)  # the last snapshot is the final model
    # the epoch-8 snapshot is what 8 epochs of the same run give
    eight = models.build(spec, seq)
    training.train(eight, seq, dataclasses.replace(cfg, epochs=8))
    for got, want in zip(snaps[1][1], training.weights_of(eight), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_weights_move_between_models_of_one_architecture(seq):
    spec = models.ModelSpec(units=8, dropout=0.2)
    trained = models.build(spec, seq, seed=1)
    training.train(trained, seq, training.TrainConfig(epochs=5))
    copy = models.build(spec, seq, seed=2)
    training.set_weights(copy, training.weights_of(trained))
    np.testing.assert_allclose(copy(seq.x).numpy(), trained(seq.x).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="another architecture"):
        training.set_weights(
            models.build(spec.replace(layers=2), seq), training.weights_of(trained)
        )


# ---------------------------------------------------------------- optimizers and validation


def _keras_twin(spec, ds, seed, optimizer, lr):
    """The same model, compiled by Keras with ``keras.optimizers.<optimizer>``'s defaults."""
    import keras

    model = models.build(spec, ds, seed=seed)
    make = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
            "sgd": keras.optimizers.SGD}[optimizer]  # fmt: skip
    metrics = [] if ds.task == "regression" else ["categorical_accuracy"]
    model.compile(optimizer=make(learning_rate=lr), loss=model.loss, metrics=metrics)
    return model


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam"])
@pytest.mark.parametrize("batch_size", [6, 4])
def test_each_optimizer_trains_exactly_as_keras(seq, optimizer, batch_size):
    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=4), _keras_twin(spec, seq, 4, optimizer, 0.05)
    cfg = training.TrainConfig(epochs=6, batch_size=batch_size, learning_rate=0.05,
                               optimizer=optimizer, shuffle=False)  # fmt: skip
    result = training.train(ours, seq, cfg)
    history = _fit_like(theirs, seq, 6, batch_size).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_the_optimizers_really_differ(seq):
    spec = models.ModelSpec(units=8)
    losses = {}
    for optimizer in training.OPTIMIZERS:
        cfg = training.TrainConfig(epochs=5, learning_rate=0.05, optimizer=optimizer)
        model = models.build(spec, seq, seed=4)
        losses[optimizer] = training.train(model, seq, cfg).history["loss"]
    assert len({round(v[-1], 6) for v in losses.values()}) == 3, losses


def test_rmsprop_with_an_embedding_equals_keras():
    ds = datasets.load("sentiment")
    spec = models.ModelSpec(cell="lstm", units=4, embedding_dim=4)
    ours, theirs = models.build(spec, ds, seed=1), _keras_twin(spec, ds, 1, "rmsprop", 0.01)
    cfg = training.TrainConfig(epochs=2, batch_size=32, learning_rate=0.01, optimizer="rmsprop",
                               shuffle=False)  # fmt: skip
    result = training.train(ours, ds, cfg)
    history = _fit_like(theirs, ds, 2, 32).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


@pytest.mark.parametrize("split", [0.34, 0.5])
def test_validation_split_equals_model_fit(seq, split):
    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=5), _keras_twin(spec, seq, 5, "adam", 0.02)
    cfg = training.TrainConfig(epochs=8, batch_size=2, learning_rate=0.02, validation_split=split,
                               shuffle=False)  # fmt: skip
    result = training.train(ours, seq, cfg)
    history = theirs.fit(seq.x, seq.y, epochs=8, batch_size=2, shuffle=False, verbose=0,
                         validation_split=split).history  # fmt: skip
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    np.testing.assert_allclose(result.history["val_loss"], history["val_loss"], rtol=1e-4)
    np.testing.assert_allclose(
        result.history["val_accuracy"], history["val_categorical_accuracy"], atol=1e-6
    )
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_early_stopping_on_the_validation_loss_matches_keras(seq):
    import keras

    spec = models.ModelSpec(units=8)
    ours, theirs = models.build(spec, seq, seed=6), _keras_twin(spec, seq, 6, "adam", 0.05)
    cfg = training.TrainConfig(epochs=400, batch_size=2, learning_rate=0.05, patience=5,
                               validation_split=0.34, monitor="val_loss",
                               shuffle=False)  # fmt: skip
    result = training.train(ours, seq, cfg)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)
    history = theirs.fit(seq.x, seq.y, epochs=400, batch_size=2, shuffle=False, verbose=0,
                         validation_split=0.34, callbacks=[stopper]).history  # fmt: skip
    assert result.stop_reason == "early_stopping"
    assert result.epochs_run == len(history["val_loss"]) < 400
    best = int(np.argmin(result.history["val_loss"]))
    assert result.epochs_run == best + 1 + 5  # five epochs without a better validation loss


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"monitor": "val_loss"}, "validation split above 0"),
        ({"validation_split": 0.9}, "between 0 and 0.5"),
        ({"optimizer": "adagrad"}, "must be one of"),
    ],
)
def test_validation_and_optimizer_settings_are_checked(changes, message):
    with pytest.raises(ValueError, match=message):
        training.TrainConfig(**changes)


def test_a_split_that_leaves_nothing_to_train_on_is_explained():
    ds = datasets.load("hello")  # one sample
    model = models.build(models.ModelSpec(units=4), ds, seed=0)
    with pytest.raises(ValueError, match="both need at least one"):
        training.train(model, ds, training.TrainConfig(epochs=1, validation_split=0.2))


def test_more_snapshots_than_one_call_keeps_arrive_in_order_with_their_epochs_weights(seq):
    spec, cfg = models.ModelSpec(units=8), training.TrainConfig(epochs=20, learning_rate=0.01)
    snaps = []
    model = models.build(spec, seq)
    training.train(model, seq, cfg, snapshot_every=1, on_snapshot=lambda e, w: snaps.append((e, w)))
    assert training.MAX_SNAPSHOTS_PER_CALL < 20  # several calls, each keeping several
    assert [epoch for epoch, _ in snaps] == list(range(1, 21))
    thirteen = models.build(spec, seq)
    training.train(thirteen, seq, dataclasses.replace(cfg, epochs=13))
    for got, want in zip(snaps[12][1], training.weights_of(thirteen), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)
