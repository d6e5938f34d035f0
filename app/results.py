"""What a trained model shows on a task page: predictions, its parameters, your own input.

Tables and chart arguments only; the maths (encoding, decoding, the ±5 % rule) lives in
``lstm_core``. Predictions and answers go through ``app.cached`` keyed on the weights.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from app import cached, i18n, state
from app.i18n import t
from app.settings import ensure
from app.state import Run
from lstm_core import datasets, models, params, predict
from lstm_core.job_records import data_digest
from lstm_core.training import split_validation

if TYPE_CHECKING:
    from app.task_page import TaskPage

INSIDE_PAGE = "views/inside.py"


def predictions_figure(ds: datasets.Dataset, preds: np.ndarray) -> Any:
    if ds.task == "regression":
        decoded = [ds.decode(row) for row in preds]
        return cached.figure(
            "predictions_vs_targets", ds.targets(), decoded, predict.input_labels(ds)
        )
    if ds.task == "next_char":
        steps = [f"{t + 1}: {ch} →" for t, ch in enumerate(ds.options["text"][:-1])]
        return cached.figure(
            "predictions_vs_targets", ds.y, preds, steps, task="next_char", class_names=ds.vocab
        )
    return cached.figure(
        "predictions_vs_targets",
        ds.y,
        preds,
        predict.input_labels(ds),
        task="classification",
        class_names=ds.class_names,
    )


def prediction_rows(ds: datasets.Dataset, preds: np.ndarray) -> pd.DataFrame:
    """One row per sample (per step for next character): input, target, prediction, ✓/✗."""
    rows = []
    if ds.task == "next_char":
        text = ds.options["text"]
        for t, (ch, target) in enumerate(zip(text[:-1], text[1:], strict=True)):
            guess = ds.decode(preds[0, t])
            prob = float(np.max(preds[0, t]))
            rows.append(
                {"step": t + 1, "input": ch, "target": target, "prediction": guess,
                 "probability": round(prob, 3), "": "✓" if guess == target else "✗"}
            )  # fmt: skip
        return pd.DataFrame(rows)
    for label, target, row in zip(predict.input_labels(ds), ds.targets(), preds, strict=True):
        guess = ds.decode(row)
        if ds.task == "regression":
            ok = predict.close_enough(guess, target)
            rows.append(
                {"input": label, "target": f"{target:g}", "prediction": f"{guess:.3f}",
                 "error": f"{guess - target:+.3f}", "": "✓" if ok else "✗"}
            )  # fmt: skip
        else:
            rows.append(
                {"input": label, "target": target, "prediction": guess,
                 "score": round(float(row[guess]), 3), "": "✓" if guess == target else "✗"}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _predictions(run: Run, ds: datasets.Dataset) -> tuple[str, np.ndarray]:
    """The model's outputs for the page's data: the worker's, when it computed them for
    this data and the weights the model has from it (else computed here, once)."""
    digest = cached.weights_digest(run.model)
    known = _worker_outputs(run, ds.x)
    return digest, known if known is not None else cached.predict(run.model, digest, ds.x)


def _worker_outputs(run: Run, x: np.ndarray) -> np.ndarray | None:
    """What the worker computed for ``x`` with the weights this run's model has from it."""
    return run.job.outputs.get(data_digest(x)) if run.job.weights is not None else None


def headline(run: Run, ds: datasets.Dataset) -> str:
    """The outcome in three words: "6/6 correct", "3/4 within 5 %"."""
    _, preds = _predictions(run, ds)
    rows = prediction_rows(ds, preds)
    right = int((rows[""] == "✓").sum())
    if ds.task == "regression":
        return t("result.within", right=right, n=len(rows))
    return t("result.correct", right=right, n=len(rows))


def show_predictions(run: Run, ds: datasets.Dataset, stale: bool) -> None:
    """The predictions chart, beside the loss curve on the first screen."""
    _, preds = _predictions(run, ds)
    st.plotly_chart(predictions_figure(ds, preds), theme=None)
    if run.config.validation_split:
        _, held_out = split_validation(ds, run.config.validation_split)
        st.caption(t("result.held_out", held=len(held_out.x), n=len(ds.x)))
    if stale:
        st.caption(t("result.old_predictions"))


def show_more(page: TaskPage, run: Run, ds: datasets.Dataset) -> None:
    """Below the first screen: the prediction table, the parameters, your own input."""
    digest, preds = _predictions(run, ds)
    st.subheader(t("result.predictions"))
    left, right = st.columns([3, 2])
    left.dataframe(prediction_rows(ds, preds), hide_index=True, width="stretch")
    if ds.task == "regression":
        left.caption(t("result.within_note"))
    with right.expander(t("result.params")):
        show_params(run.model)
    st.subheader(t("result.your_input"))
    your_input(page, run, ds, digest)
    if ds.task == "next_char":
        generate_box(page, run, ds, digest)
    if st.button(t("result.look_inside"), key=state.button(page.key, "inside")):
        st.session_state[state.INSIDE_REQUEST] = page.key
        st.switch_page(INSIDE_PAGE)


def show_params(model) -> None:
    rows = [dataclasses.asdict(row) for row in params.explain(model)]
    table = pd.DataFrame(rows)[["name", "kind", "formula", "filled", "count"]]
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("result.params_total", total=f"{int(table['count'].sum()):,}"))


def your_input(page: TaskPage, run: Run, ds: datasets.Dataset, digest: str) -> None:
    left, right = st.columns([2, 3])
    text = left.text_input(t("result.input"), key=state.widget(page.key, "input"))
    left.caption(page.input_hint(ds))
    try:
        known = _worker_outputs(run, ds.encode(text))
        if known is not None:
            answer = predict.answer(ds, known[0])
        else:
            answer = cached.answer(run.model, digest, ds, repr((ds.name, ds.options)), text)
    except ValueError as exc:
        left.error(i18n.error(exc))
        return
    if ds.task == "regression":
        left.metric(t("result.prediction"), f"{answer.value:.3f}")
        return
    if ds.task == "next_char":
        left.metric(t("result.next_char"), repr(answer.next_char))
        left.caption(t("result.every_step", text=text, value=answer.value))
        title = t("result.after", text=text)
    else:
        left.metric(t("result.prediction"), t("result.class", value=answer.value))
        title = "Score of each class"
    head = models.head_activation(run.spec, ds)
    labels = list(answer.labels)
    if ds.task == "classification":
        seen = {str(c) for c in ds.targets()}
        labels = [c if c in seen else t("result.absent", value=c) for c in map(str, labels)]
    try:
        right.plotly_chart(
            cached.figure(
                "probability_bars",
                answer.probabilities,
                labels,
                title=title,
                axis_title="next character" if ds.task == "next_char" else "class",
                value_title="probability" if head == "softmax" else f"{head} score",
            ),
            theme=None,
        )
    except ValueError as exc:
        right.info(t("result.no_chart", reason=i18n.error(exc)))
    else:
        if head in ("softmax", "sigmoid"):
            right.caption(t(f"result.scores.{head}"))


def generate_box(page: TaskPage, run: Run, ds: datasets.Dataset, digest: str) -> None:
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    n_key = state.widget(page.key, "generate_n")
    ensure(n_key, 10)
    left.number_input(t("result.generate_n"), min_value=1, step=1, key=n_key)
    prefix = st.session_state[state.widget(page.key, "input")]
    if right.button(t("result.generate"), key=state.button(page.key, "generate")):
        try:
            text = predict.continue_text(run.model, ds, prefix, st.session_state[n_key])
        except ValueError as exc:
            st.error(i18n.error(exc))
            return
        st.session_state[state.generated_key(page.key)] = (digest, prefix, text)
    generated = st.session_state.get(state.generated_key(page.key))
    if generated is not None and generated[0] == digest:
        _, prefix, text = generated
        st.markdown(f"#### `{prefix}`**`{text[len(prefix) :]}`**")
        st.caption(t("result.fed_back"))
