"""LSTM Explorer's core: datasets, models, a fast streaming trainer and a step-by-step tracer.

Plain Python + Keras + numpy; it never imports Streamlit, so a notebook, a test or a
benchmark can use it directly. Submodules load lazily so that ``import lstm_core`` does
not pull in TensorFlow.
"""

import importlib

__all__ = ["datasets", "models", "training", "trace", "params", "lessons", "predict"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"lstm_core.{name}")
    raise AttributeError(f"module 'lstm_core' has no attribute {name!r}")
