"""Train, Stop and the live curves: the page submits a job, a fragment shows it growing.

Press Train → ``submit`` stores a ``Run`` holding the pool's ``Job`` in session state and
returns at once; a worker process trains it. ``live_panel`` is a fragment that reruns a
few times a second while the job lives: the queue position or the progress bar with the
time left, the growing curves, and Stop. Moving any widget or opening another page only
reruns the page, never the training. When the job is done the whole page reruns,
``settle`` loads the job's weights into this session's own model, and the results show.
"""

from __future__ import annotations

import streamlit as st

from app import cached, charts, pool, runtime, state
from app.settings import describe_run
from app.state import Run
from lstm_core.jobs import Experiment, Progress
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

REFRESH_SECONDS = 0.3  # how often the live panel redraws while a job queues or trains


def submit(
    page: str, lesson: str, dataset: str, options: dict, spec: ModelSpec, config: TrainConfig
) -> Run:
    """Build this session's model (its ValueError keeps the previous run) and queue the job."""
    from lstm_core import models

    ds = cached.load_dataset(dataset, **options)
    model = models.build(spec, ds, seed=config.seed)  # the same weights the worker starts from
    job = pool.pool().submit(Experiment.of(dataset, options, spec, config), pool.owner())
    run = Run(page, lesson, spec, config, dataset, dict(options), job, pending_model=model)
    st.session_state[state.run_key(page)] = run
    st.session_state.pop(state.generated_key(page), None)
    return run


def settle(run: Run | None) -> None:
    """Once its job is done, give the run its own trained model (weights copied in)."""
    if run is None or not run.job.done or run.model is not None:
        return
    from lstm_core import training

    if run.job.weights is not None and run.pending_model is not None:
        training.set_weights(run.pending_model, run.job.weights)
        run.model = run.pending_model
    run.pending_model = None


def stop(page: str) -> None:
    """Stop button: the job ends within one chunk (or this session detaches from a shared one)."""
    run = state.get_run(st.session_state, page)
    if run is not None and run.in_progress:
        run.job = pool.pool().stop(run.job, pool.owner())


@st.fragment(run_every=REFRESH_SECONDS)
def live_panel(page: str) -> None:
    """Progress, curves and Stop of a page's running job; reruns the page when it is done."""
    keep_page_settings()
    run = state.get_run(st.session_state, page)
    if run is None or not run.in_progress:
        st.rerun()  # finished (or replaced) since the last tick: redraw the whole page
    progress = pool.pool().progress(run.job)
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(progress_fraction(progress), text=progress_text(progress))
    button.button(
        "■ Stop",
        key=state.button(page, "stop"),
        on_click=stop,
        args=(page,),
        disabled=progress.stopping,
        width="stretch",
    )
    st.plotly_chart(charts.training_curves(progress.history, progress.total, title="Training"))


def keep_page_settings() -> None:
    """In a timed tick, keep the page's widget values as ``app/main.py`` does every run.

    A tick may land after the user opened another page; without this, Streamlit's
    clean-up at the end of the tick drops the settings of the page left behind. (In the
    full run the widgets are already drawn, and their values may not be set again.)
    """
    if runtime.fragment_rerun():
        state.keep_widget_values(st.session_state)


def progress_fraction(progress: Progress) -> float:
    return min(1.0, progress.epochs_done / max(progress.total, 1))


def progress_text(progress: Progress) -> str:
    """One line for the progress bar: queued, compiling, or epoch k of N with time left."""
    if progress.stopping:
        return f"Stopping… keeping the {progress.epochs_done} epochs trained so far"
    if progress.status == "queued":
        return (
            f"Queued — position {progress.queue_position}: the server trains a few models "
            "at a time; this one starts by itself."
        )
    if progress.epochs_done == 0:
        return "Preparing… the first run of a new architecture compiles for a few seconds"
    text = f"Epoch {progress.epochs_done} of {progress.total}"
    if progress.seconds_left is not None and progress.epochs_done < progress.total:
        text += f" · about {progress.seconds_left:.0f} s left"
    return text


def finished_chart(run: Run) -> None:
    st.plotly_chart(
        cached.figure("training_curves", run.history, run.config.epochs, title="Training")
    )


def show_status(run: Run) -> None:
    """The sentence that says how a finished run ended."""
    seconds = f"{run.seconds:.1f} s" if run.seconds >= 0.1 else "under 0.1 s"
    if run.stop_reason == "completed":
        st.success(f"Trained {run.epochs_done} epochs in {seconds}.", icon=":material/check:")
    elif run.stop_reason == "early_stopping":
        st.info(
            f"{run.message} Ran {run.epochs_done} of {run.config.epochs} epochs in {seconds}.",
            icon=":material/stop_circle:",
        )
    elif run.stop_reason in ("nan", "diverged", "error"):
        st.error(run.message)
    elif run.stop_reason == "stopped" and run.model is None:
        st.warning("Stopped before training started: there is no model yet.")
    elif run.stop_reason == "stopped":
        st.warning(
            f"Stopped at epoch {run.epochs_done} of {run.config.epochs} — "
            "the model trained so far is kept.",
            icon=":material/stop_circle:",
        )
    elif run.stop_reason == "cancelled":
        st.warning(run.message)


def out_of_date(run: Run, changes: list[str]) -> None:
    if changes:
        st.warning(
            f"**Out of date** — this model was trained with {describe_run(run)}. "
            f"Changed since: {'; '.join(changes)}. Press Train to use the new settings; "
            "until then the results below are the old model's.",
            icon=":material/warning:",
        )
