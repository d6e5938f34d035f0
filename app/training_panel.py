"""Train, Stop and the live curves: the page submits a job, a fragment shows it growing.

Press Train → ``submit`` stores a ``Run`` holding the pool's ``Job`` in session state and
returns at once; a worker process trains it. ``live_panel`` is a fragment that reruns a
few times a second while the job lives: the queue position or the progress bar with the
time left, the growing curves, and Stop. Moving any widget or opening another page only
reruns the page, never the training. When the job is done the whole page reruns,
``settle`` loads the job's weights into this session's own model, and the results show.
"""

from __future__ import annotations

import time

import streamlit as st

from app import cached, charts, i18n, pool, runtime, state
from app.i18n import t
from app.settings import changed_settings, describe_run
from app.state import Run
from lstm_core.jobs import Experiment, Progress
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

REFRESH_SECONDS = 0.3  # how often the live panel redraws while a job queues or trains
REPLAY_SECONDS = 2.5  # a run faster than a class can watch is replayed over this long
REPLAY_BELOW = 1.0  # ... when it trained in less than this many seconds
# Frames of the replay: 5 a second reads as a growing curve, and leaves the browser time
# to draw the rest of the page (10 a second delayed the predictions by ~0.5 s).
REPLAY_FRAME = 0.2


def submit(
    page: str, lesson: str, dataset: str, options: dict, spec: ModelSpec, config: TrainConfig
) -> Run:
    """Build this session's model and queue the job. A ValueError (settings this data
    cannot train with) is raised before anything is queued: the previous run stays."""
    from lstm_core import models, training

    ds = cached.load_dataset(dataset, **options)
    training.split_validation(ds, config.validation_split)  # 1 sample cannot be split
    model = models.build(spec, ds, seed=config.seed)  # the same weights the worker starts from
    typed = st.session_state.get(state.widget(page, "input"))  # answered with the result
    probes = (typed,) if isinstance(typed, str) and typed.strip() else ()
    job = pool.pool().submit(Experiment.of(dataset, options, spec, config), pool.owner(), probes)
    before = state.get_run(st.session_state, page)
    changes = changed_settings(before, spec, config, options) if before is not None else []
    run = Run(page, lesson, spec, config, dataset, dict(options), job, pending_model=model,
              changes=changes)  # fmt: skip
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
        if _worth_replaying(run):
            run.replay_from = time.monotonic()
            pool.replaying(pool.owner(), REPLAY_SECONDS)
    run.pending_model = None


def _worth_replaying(run: Run) -> bool:
    """A curve trained for this click that finished before anyone could see it fall, on a
    real server (AppTests and scripts read the finished curve at once) not busy redrawing
    for a class. A result that was already there (the same settings again, a shared run)
    shows at once, as it is."""
    trained_now = run.job.finished is not None and run.job.finished >= run.submitted
    return (runtime.in_server() and trained_now and run.seconds < REPLAY_BELOW
            and run.epochs_done > 2 and _replay_shows_a_curve())  # fmt: skip


def _replay_shows_a_curve() -> bool:
    """Whether a replay now would grow over a few frames: with a class redrawing at once
    the frames stretch (``pool.refresh_seconds``) until a replay is one frame and a second
    page run after it, so the finished curve shows at once instead."""
    return pool.refresh_seconds(REPLAY_FRAME) <= REPLAY_SECONDS / 3


def stop(page: str) -> None:
    """Stop button: the job ends within one chunk (or this session detaches from a shared one)."""
    run = state.get_run(st.session_state, page)
    if run is not None and run.in_progress:
        run.job = pool.pool().stop(run.job, pool.owner())


@pool.live_fragment(REFRESH_SECONDS)
def live_panel(page: str) -> None:
    """Progress, curves and Stop of a page's running job; reruns the page when it is done.

    A fragment on a timer: every ``REFRESH_SECONDS``, or slower when many sessions of the
    server watch a live job at once (``pool.refresh_seconds``).
    """
    keep_page_settings()
    run = state.get_run(st.session_state, page)
    if run is None or not run.in_progress:
        st.rerun()  # finished (or replaced) since the last tick: redraw the whole page
    progress = pool.pool().progress(run.job)
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(progress_fraction(progress), text=progress_text(progress))
    button.button(
        t("task.stop"),
        key=state.button(page, "stop"),
        on_click=stop,
        args=(page,),
        disabled=progress.stopping,
        width="stretch",
    )
    if progress.epochs_done:
        curves = i18n.figure(charts.training_curves(progress.history, progress.total,
                                                    title="Training"))  # fmt: skip
    else:  # queued or compiling: the same empty chart for every session (built once)
        curves = cached.figure("training_curves", {}, progress.total, title="Training")
    st.plotly_chart(curves, theme=None)


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
        return t("status.stopping", epochs=progress.epochs_done)
    if progress.status == "queued":
        return t("status.queued", position=progress.queue_position)
    if progress.epochs_done == 0:
        return t("status.preparing")
    text = t("status.epoch", done=progress.epochs_done, total=progress.total)
    if progress.seconds_left is not None and progress.epochs_done < progress.total:
        text += t("status.left", seconds=f"{progress.seconds_left:.0f}")
    return text


def finished_chart(run: Run) -> None:
    """The finished curves; replayed over ``REPLAY_SECONDS`` right after a too-fast run."""
    if replaying(run):
        replay_chart(run.page)
        return
    st.plotly_chart(
        cached.figure("training_curves", run.history, run.config.epochs, title="Training"),
        theme=None,
    )


def replaying(run: Run) -> bool:
    return run.replay_from is not None and time.monotonic() - run.replay_from < REPLAY_SECONDS


def skip_replay(page: str) -> None:
    run = state.get_run(st.session_state, page)
    if run is not None:
        run.replay_from = None


@pool.live_fragment(REPLAY_FRAME)
def replay_chart(page: str) -> None:
    """The curve drawn epoch by epoch at watching speed, then the page redraws once.

    Its frames slow down like the live panel's ticks when many sessions redraw at once
    (at a class's load, a replay is one frame: the finished curve)."""
    keep_page_settings()
    run = state.get_run(st.session_state, page)
    if run is None or not replaying(run):
        if runtime.fragment_rerun():
            st.rerun()
        return
    share = (time.monotonic() - run.replay_from) / REPLAY_SECONDS
    shown = max(1, int(round(share * run.epochs_done)))
    history = {name: values[:shown] for name, values in run.history.items()}
    curves = charts.training_curves(history, run.config.epochs, title="Training")
    st.plotly_chart(i18n.figure(curves), theme=None)
    note, skip = st.columns([5, 1], vertical_alignment="center")
    note.caption(t("status.replay", took=seconds_text(run.seconds)))
    skip.button(
        t("status.skip"),
        icon=":material/skip_next:",
        key=state.button(page, "skip_replay"),
        on_click=skip_replay,
        args=(page,),
    )


def seconds_text(seconds: float) -> str:
    return "< 0.1 s" if seconds < 0.1 else f"{seconds:.1f} s"


def status_text(run: Run) -> tuple[str, str]:
    """(kind, sentence) of how a finished run ended: kind is success|info|warning|error."""
    took = seconds_text(run.seconds)
    since = t("status.changed", changes="; ".join(run.changes)) if run.changes else ""
    done, total = run.epochs_done, run.config.epochs
    if run.stop_reason == "completed":
        return "success", t("status.trained", epochs=done, took=took, since=since)
    if run.stop_reason == "early_stopping":
        message = i18n.error(run.message)
        return "info", t("status.early", message=message, done=done, total=total, took=took,
                         since=since)  # fmt: skip
    if run.stop_reason == "imported":  # app.export_panel: a model read from a weights file
        return "info", run.message  # already in the page's words
    if run.stop_reason in ("nan", "diverged", "error"):
        return "error", i18n.error(run.message)
    if run.stop_reason == "stopped" and run.model is None:
        return "warning", t("status.stopped_early")
    if run.stop_reason == "stopped":
        return "warning", t("status.stopped", done=done, total=total)
    return "warning", i18n.error(run.message)


def show_status(run: Run, stale: list[str], where=None) -> None:
    """The sentence that says how a finished run ended — or that it is out of date."""
    where = where or st
    if stale:
        where.warning(
            t("status.out_of_date", run=describe_run(run), changes="; ".join(stale)),
            icon=":material/warning:",
        )
        return
    kind, text = status_text(run)
    icons = {"success": ":material/check:", "info": ":material/stop_circle:",
             "warning": ":material/stop_circle:", "error": ":material/error:"}  # fmt: skip
    getattr(where, kind)(text, icon=icons[kind])
