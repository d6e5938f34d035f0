"""The test part of an own series on the next-number page (seeds 001 and 003).

An own series keeps its last windows out of training (``Dataset.held_out``). After
training this block shows the test error in the series' own units beside the training
error, the predictions along the series with the test part shaded, and the experiment
that trains both scaler fits (``app.scaler_leak``). It also writes the words about the
data that depend on these options: the data sentence and how it was scaled.
Numbers come from ``lstm_core.predict``; this module only places them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import cached, scaler_leak
from app.i18n import t
from app.state import Run
from lstm_core import predict
from lstm_core.datasets import Dataset


def test_from(ds: Dataset) -> int | None:
    """Position in the series of the first value of the test part (None without one)."""
    test = ds.held_out
    return None if test is None or test.starts is None else int(test.starts[0]) + ds.timesteps


def target_series(ds: Dataset) -> np.ndarray:
    """The series of the number to predict: (length,)."""
    return ds.series if ds.series.ndim == 1 else ds.series[:, 0]


def extra_columns(ds: Dataset) -> dict[str, np.ndarray]:
    """Feature name -> its values along the series, for every feature but the predicted one."""
    if ds.series is None or ds.series.ndim == 1:
        return {}
    return {name: ds.series[:, f] for f, name in enumerate(ds.feature_names) if f > 0}


def last_window(ds: Dataset) -> np.ndarray:
    """The last ``timesteps`` values of the series: the window whose next value is unknown."""
    return ds.series[-ds.timesteps :]


def describe(ds: Dataset) -> str:
    """The data sentence of an own series: windows, features, test part, what is predicted."""
    n_test = 0 if ds.held_out is None else len(ds.held_out.x)
    what = t("series.data.every_step") if ds.every_step else t("series.data.next")
    if ds.features > 1:
        features = t("series.data.features", f=ds.features, names=", ".join(ds.feature_names),
                     target=ds.feature_names[0])  # fmt: skip
    else:
        features = ""
    return t("series.data", n=len(ds.x), window=ds.timesteps, test=n_test, what=what,
             features=features)  # fmt: skip


def scaler_note(ds: Dataset) -> str:
    """How the numbers were scaled, and on which part of the data the scaler was fitted."""
    if ds.scaler is None:
        return t("series.scaled.none")
    how = t(f"series.scaled.{ds.scaler.kind}")
    fit = ds.options.get("scaler_fit", "train") if ds.held_out is not None else "tutorial"
    scalers = ds.feature_scalers or (ds.scaler,)
    names = ds.feature_names or ["series"]
    each = "; ".join(
        f"{name}: offset {s.offset:g}, scale {s.scale:.4g}"
        for name, s in zip(names, scalers, strict=True)
    )
    key = "series.scaled.each" if len(scalers) > 1 else "series.scaled.one"
    return t(f"series.scaled.fit.{fit}", how=how) + " " + t(key, each=each)


def show(run: Run, ds: Dataset) -> None:
    """After training on an own series: the test error, the series chart, both scaler fits."""
    if ds.held_out is None:
        return
    digest = cached.weights_digest(run.model)
    train_out = cached.predict(run.model, digest, ds.x)
    test_out = cached.predict(run.model, digest, ds.held_out.x)
    test, trained = predict.errors(ds.held_out, test_out), predict.errors(ds, train_out)
    st.subheader(t("series.test.title"))
    unit = ds.feature_names[0] if ds.feature_names else ""
    numbers, chart = st.columns([1, 3])
    numbers.metric(t("series.test.mae"), f"{test.mae:.3g}", help=t("series.test.mae.help"))
    numbers.metric(t("series.test.rmse"), f"{test.rmse:.3g}", help=t("series.test.rmse.help"))
    numbers.metric(t("series.train.mae"), f"{trained.mae:.3g}")
    numbers.caption(t("series.test.caption", n=len(ds.held_out.x), unit=unit))
    along = predict.along_series(ds, train_out, test_out)
    figure = cached.figure(
        "series_predictions", target_series(ds), along.positions, along.predicted,
        along.test_from, along.first_positions, along.first_predicted, name=unit or "series",
    )  # fmt: skip
    chart.plotly_chart(figure, theme=None)
    if ds.every_step:
        chart.caption(t("series.every_step.caption", window=ds.timesteps))
    scaler_leak.show(run, ds)
