"""``st.cache_data`` wrappers around the core: datasets, predictions and traces.

Datasets are shared by everyone (same options, same arrays). Predictions and traces are
keyed on a digest of the model's weights plus the input, with the model itself passed
as the unhashed ``_model`` argument: two students with the same weights and input get
the same numbers, and nobody's model is ever cached or shared (no ``st.cache_resource``
for models). TensorFlow is imported only inside the functions that need it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from app import charts, i18n, runtime
from lstm_core import datasets

runtime.keep_keras_session()  # any page that reaches Keras, even when run on its own


@st.cache_data(max_entries=64, show_spinner=False)
def load_dataset(name: str, **options) -> datasets.Dataset:
    """``datasets.load`` shared across sessions; raises its ValueError for bad options."""
    return datasets.load(name, **options)


def weights_digest(model) -> str:
    """A short fingerprint of a model's architecture and current weights."""
    digest = hashlib.sha1(model.name.encode())
    for variable in model.weights:
        value = np.asarray(variable.numpy())
        digest.update(variable.path.encode())
        digest.update(str(value.shape).encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()


@st.cache_data(max_entries=512, show_spinner=False)
def predict(_model, digest: str, x: np.ndarray) -> np.ndarray:
    """The model's output for x in inference mode (dropout off), as numpy."""
    return np.asarray(_model(x, training=False))


@st.cache_data(max_entries=256, show_spinner=False)
def trace(_model, digest: str, x: np.ndarray) -> list:
    """``lstm_core.trace.trace``: one LayerTrace per recurrent layer of the model."""
    from lstm_core import trace as tracer

    return tracer.trace(_model, x)


@st.cache_data(max_entries=512, show_spinner=False)
def answer(_model, digest: str, _ds, dataset_key: str, raw: str):
    """``lstm_core.predict.predict`` for a typed input; its ValueError is not cached."""
    from lstm_core import predict as predictor

    return predictor.predict(_model, _ds, raw)


def figure(builder: str, *args, **kwargs):
    """``charts.<builder>(*args, **kwargs)`` in the session's language, built once per
    distinct input and language (see ``_figure``)."""
    return _figure(i18n.lang(), builder, *args, **kwargs)


@st.cache_resource(max_entries=128, show_spinner=False)
def _figure(lang: str, builder: str, *args, **kwargs):
    """Building a Plotly figure costs 15-30 ms; a page shows four or five on every rerun.
    The cache holds figures (pure functions of plain arrays, never mutated afterwards:
    ``st.plotly_chart`` only serialises them), not anyone's model. A figure weighs ~100 KB
    of Python objects and each student's runs add two or three of their own: 128 hold a
    class's shared lesson figures and the latest students' own in ~12 MB, which the
    server never gives back once filled (live training frames are drawn uncached)."""
    return i18n.figure(getattr(charts, builder)(*args, **kwargs))
