"""The Sentiment page's padding lesson (seed 002's ``pad_sequences``): settings and views.

The page's data settings (``DATA``: padding side, cut side, max length, mask) are the
dataset's options and travel in the link. ``final_state_view`` lays the typed sentence
out under each choice and shows the trained model's last hidden state for each (the same
weights every time); ``accuracy_view`` trains one model per choice as jobs of the pool and
compares their held-out accuracy, with the spread measured over seeds beside it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import cached, i18n, pool, state, training_panel
from app.charts import padding as padding_charts
from app.i18n import t
from app.sentiment_lesson import DATASET, PAGE
from app.state import Run
from lstm_core import padding, schema, text
from lstm_core.jobs import Experiment
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.padding import Choice
from lstm_core.training import TrainConfig

PAGE_MAXLEN = 32  # the longest shipped sentence has 13 words; more is only more padding
REFRESH_SECONDS = 0.5
DATA = {
    "padding": schema.Param("padding", "Padding", "pre", choices=text.SIDES,
                            help="Where the zeros go: in front of the words, or after them."),
    "truncating": schema.Param("truncating", "Truncating", "pre", choices=text.SIDES,
                               help="Which words a longer sentence loses: its first or last."),
    "maxlen": schema.Param("maxlen", "Max length", 16, lo=text.MAXLEN_RANGE[0], hi=PAGE_MAXLEN,
                           step=1, help="Every sentence is padded or cut to this many steps."),
    "mask_zero": schema.Param("mask_zero", "Mask the padding", False, choices=(False, True),
                              help="Embedding(mask_zero=True): the layer skips padding steps."),
}  # fmt: skip


def w(name: str) -> str:
    return state.widget(PAGE, name)


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


def settings_row() -> dict:
    """The four data settings in one row, under a short explanation; returns the options."""
    st.markdown(t("padding.settings"))
    side, cut, length, mask = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
    for column, name, words in ((side, "padding", "side"), (cut, "truncating", "cut")):
        shown = {v: t(f"padding.{words}.{v}") for v in text.SIDES}  # made now, in this language
        column.selectbox(
            i18n.param_label(name, DATA[name].label), text.SIDES, key=w(name),
            format_func=shown.get, help=i18n.param_help(name, DATA[name].help),
        )  # fmt: skip
    p = DATA["maxlen"]
    length.slider(i18n.param_label("maxlen", p.label), int(p.lo), int(p.hi), step=1,
                  key=w("maxlen"), help=i18n.param_help("maxlen", p.help))  # fmt: skip
    mask.toggle(i18n.param_label("mask_zero", DATA["mask_zero"].label), key=w("mask_zero"),
                help=i18n.param_help("mask_zero", DATA["mask_zero"].help))  # fmt: skip
    st.caption(t("padding.explain"))
    return options()


def options() -> dict:
    """The dataset options the data settings ask for (``text.sentiment``'s keywords)."""
    return {name: st.session_state[w(name)] for name in DATA}


def cuts_caption(ds) -> None:
    """How many training sentences the max length cuts (or that it cuts none)."""
    cut, maxlen = text.cut_sentences(ds), ds.options["maxlen"]
    if cut:
        st.caption(t("padding.cuts", n=cut, total=len(ds.labels), maxlen=maxlen))
    else:
        longest = max(len(text.tokenize(s)) for s in [*ds.labels, *ds.held_out.labels])
        st.caption(t("padding.no_cuts", longest=longest, maxlen=maxlen))


def label(choice: Choice, cut: bool) -> str:
    """A choice in the page's words; the cut side only where something is cut."""
    mask = t("padding.mask.on" if choice.mask_zero else "padding.mask.off")
    if not cut:
        return t("padding.label.uncut", padding=choice.padding, mask=mask)
    return t("padding.label", padding=choice.padding, truncating=choice.truncating, mask=mask)


# ---------------------------------------------------------------------------
# The last state under each choice
# ---------------------------------------------------------------------------


def final_states(run: Run, sentence: str, choices) -> tuple[list, np.ndarray]:
    """The typed sentence under each choice through the run's model, and P(positive) from
    each last hidden state (the output layer applied to it, as ``reading`` does)."""
    ds = cached.load_dataset(DATASET, **run.data_options)
    seen = padding.final_states(run.model, ds, sentence, choices)
    kernel, bias = (np.asarray(v) for v in run.model.get_layer("output").get_weights())
    logits = np.stack([s.final_h for s in seen]) @ kernel + bias  # (choices, 2)
    logits -= logits.max(axis=-1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return seen, probs[:, 1]


def step_kinds(seen: padding.Seen) -> list[str]:
    """What each step of one row holds, for ``charts.padding.padded_choices``."""
    kinds = []
    for word, known, read in zip(seen.words, seen.known, seen.read, strict=True):
        if word == text.PAD_WORD:
            kinds.append("padding" if read else "skipped")
        else:
            kinds.append("word" if known else "unknown")
    return kinds


def final_state_view(run: Run, sentence: str) -> None:
    """The sentence as the model gets it under each choice, and the last h of each."""
    st.subheader(t("padding.title"))
    st.markdown(t("padding.lesson", cell=CELL_NAMES[run.spec.cell]))
    maxlen = run.data_options.get("maxlen", DATA["maxlen"].default)
    cut = len(text.tokenize(sentence)) > maxlen
    shown = padding.choices(cut)
    seen, positive = final_states(run, sentence, shown)  # ValueError: the page tells it
    labels = [label(choice, cut) for choice in shown]
    words = [[("" if word == text.PAD_WORD else word) for word in s.words] for s in seen]
    kinds = [step_kinds(s) for s in seen]
    st.plotly_chart(i18n.figure(padding_charts.padded_choices(words, kinds, labels)), theme=None)
    final_h = np.stack([s.final_h for s in seen])  # (choices, units)
    st.plotly_chart(i18n.figure(padding_charts.final_states(final_h, labels, positive)),
                    theme=None)  # fmt: skip
    st.caption(t("padding.h.note"))


# ---------------------------------------------------------------------------
# One model per choice
# ---------------------------------------------------------------------------


def choice_slot(cell: str, maxlen: int, choice: Choice) -> str:
    key = f"{choice.padding}-{choice.truncating}-{'mask' if choice.mask_zero else 'nomask'}"
    return f"{PAGE}:choice:{cell}:{maxlen}:{key}"


def submit_choices(options: dict, spec: ModelSpec, config: TrainConfig, choices) -> None:
    """One job per choice (the page's settings, only the padding options differ).

    Only the held-out accuracy the worker measures is shown, so no model is built here.
    """
    for choice in choices:
        data = {**options, **choice.options()}
        cached.load_dataset(DATASET, **data)  # a bad option is told before anything queues
        job = pool.pool().submit(Experiment.of(DATASET, data, spec, config), pool.owner())
        slot = choice_slot(spec.cell, options["maxlen"], choice)
        st.session_state[state.run_key(slot)] = Run(slot, PAGE, spec, config, DATASET, data, job)


def choice_runs(cell: str, maxlen: int, choices) -> dict[Choice, Run]:
    found = {c: state.get_run(st.session_state, choice_slot(cell, maxlen, c)) for c in choices}
    return {choice: run for choice, run in found.items() if run is not None}


def stop_choices(cell: str, maxlen: int, choices) -> None:
    for run in choice_runs(cell, maxlen, choices).values():
        if run.in_progress:
            run.job = pool.pool().stop(run.job, pool.owner())


def accuracy_of(run: Run | None) -> float | None:
    if run is None or not run.job.done:
        return None
    return run.job.held_out.get("accuracy")


def accuracy_view(ds, spec: ModelSpec, config: TrainConfig) -> None:
    """The button that trains one model per choice, then their held-out accuracy."""
    st.markdown(t("padding.compare"))
    cell, cut, maxlen = CELL_NAMES[spec.cell], padding.anything_cut(ds), ds.options["maxlen"]
    shown = padding.choices(cut)
    runs = choice_runs(spec.cell, maxlen, shown)
    busy = any(run.in_progress for run in runs.values())
    if st.button(t("padding.train", cell=cell), key=state.button(PAGE, "train_choices"),
                 help=t("padding.train.help"), disabled=busy):  # fmt: skip
        try:
            submit_choices(options(), spec, config, shown)
        except ValueError as exc:
            st.error(i18n.error(exc))
        runs = choice_runs(spec.cell, maxlen, shown)
    if not runs:
        st.info(t("padding.press", cell=cell, n=len(shown)))
    elif any(run.in_progress for run in runs.values()):
        live(spec.cell, maxlen, shown, cut)
    else:
        results(runs, shown, cut)
    st.caption(t("padding.measured"))


@pool.live_fragment(REFRESH_SECONDS)
def live(cell: str, maxlen: int, shown, cut: bool) -> None:
    """The bars fill as the jobs finish; the page reruns when all are done."""
    training_panel.keep_page_settings()
    runs = choice_runs(cell, maxlen, shown)
    if not any(run.in_progress for run in runs.values()):
        st.rerun()
    done = sum(run.job.done for run in runs.values())
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(done / max(len(runs), 1), text=t("padding.progress", done=done, total=len(runs)))
    button.button(t("task.stop"), key=state.button(PAGE, "stop_choices"), width="stretch",
                  on_click=stop_choices, args=(cell, maxlen, shown))  # fmt: skip
    chart(runs, shown, cut)


def results(runs: dict[Choice, Run], shown, cut: bool) -> None:
    chart(runs, shown, cut)
    for choice, run in runs.items():
        if run.stop_reason not in ("completed", "early_stopping"):
            message = i18n.error(run.message)
            st.caption(t("padding.failed", choice=label(choice, cut), message=message))
    first = next(iter(runs.values()))
    held_out = len(cached.load_dataset(DATASET, **first.data_options).held_out.labels)
    st.caption(t("padding.trained_with", cell=CELL_NAMES[first.spec.cell], units=first.spec.units,
                 epochs=first.config.epochs, seed=first.config.seed,
                 maxlen=first.data_options["maxlen"], n=held_out,
                 one=f"{100 / held_out:.1f}"))  # fmt: skip


def chart(runs: dict[Choice, Run], shown, cut: bool) -> None:
    accuracy = [accuracy_of(runs.get(choice)) for choice in shown]
    labels = [label(choice, cut) for choice in shown]
    st.plotly_chart(i18n.figure(padding_charts.choice_accuracy(accuracy, labels)), theme=None)
