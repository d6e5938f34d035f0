"""Download and import on a task page: the buttons after training, weights read back, bad files."""

from __future__ import annotations

import copy

import numpy as np

from app import export_panel, state
from lstm_core import datasets, export, models, training
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig
from tests.app.conftest import array, dataframe_with, figure_titled, open_page, texts, train

PAGE = "sequence_classification"
UPLOADER = f"b:{PAGE}:import_file"
DOWNLOADS = ("keras", "weights", "script", "traces_csv", "traces_npz")


def upload(at, name: str, data: bytes):
    at.file_uploader(key=UPLOADER).set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def trained():
    at = train(open_page(PAGE), PAGE, units=4, epochs=4)
    run = at.session_state[state.run_key(PAGE)]
    assert run.model is not None
    return at, run


def weights_of_run(run) -> bytes:
    return export.weights_file(run.spec, run.model, config=run.config, dataset=run.dataset,
                               dataset_options=run.data_options, history=run.history)  # fmt: skip


def test_after_training_the_downloads_are_there_and_a_bad_import_keeps_everything():
    at = open_page(PAGE)
    assert not at.get("download_button")  # nothing trained yet: nothing to download
    assert at.file_uploader(key=UPLOADER).allowed_type == [".npz"]  # but import is offered
    at, run = trained()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:5] == ["Model (.keras)", "Weights (.npz)", "Script (.py)", "Traces (CSV)",
                          "Traces (NPZ)"]  # fmt: skip
    ids = " ".join(b.proto.id for b in at.get("download_button"))
    assert all(f"b:{PAGE}:export_{what}" in ids for what in DOWNLOADS)
    assert any("The traces follow the input '0, 0, 0, 0, 0, 1'" in c for c in texts(at.caption))

    model, history = run.model, copy.deepcopy(run.history)
    runs = list(at.session_state[f"runs:{PAGE}"])
    other = export.load_weights_file(weights_of_run(run))  # a good file, but of another page:
    hello = export.weights_file(other.spec, other.model, config=other.config, dataset="hello",
                                dataset_options={"text": "hi there"})  # fmt: skip
    bad_files = {
        "renamed_keras.npz": (export.keras_file(model), "This is a .keras file: the app never"),
        "photo.npz": (b"\x89PNG\r\n\x1a\n" + bytes(32), "This is not a weights file (.npz)"),
        "hello.npz": (hello, "This file holds a model of the 'hello' task"),
    }
    for name, (data, message) in bad_files.items():
        upload(at, name, data)
        assert any(message in e for e in texts(at.error)), (name, texts(at.error))
        now = at.session_state[state.run_key(PAGE)]
        assert now is run and now.model is model and now.history == history, name
        assert at.session_state[f"runs:{PAGE}"] == runs, name  # no run added or lost
        assert len(array(figure_titled(at, "Training")["data"][0]["y"])) == 4  # the curve
        assert len(dataframe_with(at, "score")) == 6  # and its predictions stay
        assert len(at.get("download_button")) >= 5


def test_imported_weights_become_the_pages_model_in_a_fresh_session():
    spec = ModelSpec(cell="gru", units=5, dropout=0.1)
    config = TrainConfig(epochs=30, batch_size=4, learning_rate=0.01, seed=3)
    ds = datasets.load(PAGE)
    model = models.build(spec, ds, seed=config.seed)
    rng = np.random.default_rng(0)  # weights unlike a fresh build's, as after training
    training.set_weights(model, [w + rng.normal(0, 0.3, w.shape).astype(np.float32)
                                 for w in training.weights_of(model)])  # fmt: skip
    history = {"loss": [1.0, 0.6, 0.4, 0.3], "accuracy": [0.2, 0.5, 0.7, 0.8]}
    data = export.weights_file(spec, model, config=config, dataset=PAGE, dataset_options={},
                               history=history)  # fmt: skip

    at = upload(open_page(PAGE), "mine.npz", data)
    assert not at.error, texts(at.error)
    imported = at.session_state[state.run_key(PAGE)]
    assert imported.stop_reason == export_panel.IMPORTED and imported.model is not model
    np.testing.assert_allclose(np.asarray(imported.model(ds.x, training=False)),
                               np.asarray(model(ds.x, training=False)), atol=1e-6)  # fmt: skip
    assert (imported.spec, imported.config) == (spec, config)
    assert at.session_state[f"w:{PAGE}:cell"] == "gru"  # the settings follow the file
    assert at.session_state[f"w:{PAGE}:units"] == 5
    assert at.session_state[f"w:{PAGE}:learning_rate"] == 0.01
    assert any("Imported the model of mine.npz" in s for s in texts(at.success))
    assert any("Imported the model of mine.npz" in s for s in texts(at.info))  # the status
    assert not at.warning, texts(at.warning)  # not "out of date": the settings match it
    assert array(figure_titled(at, "Training")["data"][0]["y"]).tolist() == history["loss"]
    assert len(dataframe_with(at, "score")) == 6 and at.get("download_button")
    assert [r.ended for r in at.session_state[f"runs:{PAGE}"]] == [export_panel.IMPORTED]


def test_an_import_sets_the_data_of_the_next_number_and_hello_pages():
    cases = {
        "next_number": ({"series": "1, 3, 2, 5, 4, 6, 8", "window_size": 2, "scaling": "minmax",
                         "scaler_fit": "all", "test_share": 0.2},
                        {"variant": "own", "source": "type", "window": 2, "scaling": "minmax",
                         "scaler_fit": "all", "input": "1, 3"}),
        "hello": ({"text": "hi there"}, {"text": "hi there", "input": "hi ther"}),
    }  # fmt: skip
    for page, (options, widgets) in cases.items():
        spec, config = ModelSpec(cell="lstm", units=3), TrainConfig(epochs=2, seed=1)
        ds = datasets.load(page, **options)
        model = models.build(spec, ds, seed=1)
        history = {"loss": [0.5, 0.4]}
        data = export.weights_file(spec, model, config=config, dataset=page,
                                   dataset_options=options, history=history)  # fmt: skip
        at = open_page(page)
        at.file_uploader(key=f"b:{page}:import_file").set_value(("m.npz", data, "x")).run()
        assert not at.exception and not at.error, (page, at.exception, texts(at.error))
        assert at.session_state[state.run_key(page)].data_options == options
        for name, value in widgets.items():
            assert at.session_state[f"w:{page}:{name}"] == value, (page, name)
        assert not at.warning, (page, texts(at.warning))  # the run matches the page's data
