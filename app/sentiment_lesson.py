"""The sentiment lesson (seeds 002 and 004): Embedding + SimpleRNN against Embedding + LSTM.

One click trains both on the shipped corpus as two jobs (same settings, only the cell
differs); each worker scores its model on the held-out sentences. The session builds
its own two models from the jobs' weights (``training_panel.settle``), so a typed
sentence can be read word by word: the prediction, the hidden state and the gates.
How the sentences are padded, cut and masked is ``app.padding_lesson``'s part of the page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import cached, pool, state, training_panel
from app.state import Run
from lstm_core import text
from lstm_core.jobs import Experiment
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = "sentiment"
CELLS = ("simple_rnn", "lstm")
DATASET = "sentiment"
SPEC = ModelSpec(cell="lstm", units=32, embedding_dim=32)
CONFIG = TrainConfig(epochs=10, batch_size=32, learning_rate=0.005, seed=0)
EXAMPLE = "The plot was slow but the ending was wonderful."


def slot(cell: str) -> str:
    return f"{PAGE}:{cell}"


def experiments(options: dict, spec: ModelSpec, config: TrainConfig) -> dict[str, Experiment]:
    return {c: Experiment.of(DATASET, options, spec.replace(cell=c), config) for c in CELLS}


def submit_both(options: dict, spec: ModelSpec, config: TrainConfig) -> None:
    for cell in CELLS:
        training_panel.submit(slot(cell), PAGE, DATASET, options, spec.replace(cell=cell), config)


def warm(options: dict) -> None:
    for experiment in experiments(options, SPEC, CONFIG).values():
        pool.pool().warm(experiment)


def runs() -> dict[str, Run]:
    found = {cell: state.get_run(st.session_state, slot(cell)) for cell in CELLS}
    return {cell: run for cell, run in found.items() if run is not None}


def stop_all() -> None:
    for cell in CELLS:
        training_panel.stop(slot(cell))


def held_out_accuracy(run: Run) -> float | None:
    return run.job.held_out.get("accuracy") if run.job.done else None


def reading(run: Run, sentence: str) -> dict:
    """Word by word: the tokens, P(positive) after each step, and the layer's trace.

    P(positive) after step t is the model's output layer applied to h_t — what it would
    answer if the sentence ended there. Its last value is the model's real answer. The
    sentence is encoded as the run's data was (its padding, length and mask); a model
    that masks the padding is traced with the mask, so h stays put on skipped steps.
    """
    from lstm_core import padding

    ds = cached.load_dataset(DATASET, **run.data_options)
    x = ds.encode(sentence)  # ValueError for an empty sentence
    steps = text.explain(ds, sentence)
    digest = cached.weights_digest(run.model)
    if masks(run.model):
        layer = padding.first_layer_trace(run.model, x, mask_zero=True)
    else:
        [layer] = cached.trace(run.model, digest, x)
    head = run.model.get_layer("output")
    kernel, bias = (np.asarray(v) for v in head.get_weights())
    logits = layer.h[0] @ kernel + bias  # (T, 2)
    logits -= logits.max(axis=-1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    answer = cached.predict(run.model, digest, x)[0]
    return {"steps": steps, "positive": probs[:, 1], "trace": layer, "answer": answer}


def masks(model) -> bool:
    """True when the model's Embedding masks the padding (``mask_zero=True``)."""
    return bool(getattr(model.get_layer("embedding"), "mask_zero", False))
