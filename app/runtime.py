"""Keep Streamlit from resetting Keras after every script run.

Streamlit's script runner calls Keras' ``clear_session`` when any script run
ends (``script_runner._clean_problem_modules``). In a classroom server that is wrong
twice over: it is process-wide, so one student's rerun resets Keras' global state for
every other session mid-build and drops TensorFlow's eager kernel cache; and it ends in
a full ``gc.collect()``, measured here at ~250 ms of every rerun once TensorFlow is
loaded. We keep Streamlit's matplotlib clean-up and skip the Keras one.
"""

from __future__ import annotations

import sys


def keep_keras_session() -> None:
    """Replace Streamlit's per-run clean-up by one that leaves Keras alone (idempotent)."""
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner._clean_problem_modules, "keeps_keras", False):
        return

    def clean_problem_modules() -> None:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            try:
                plt.close("all")
            except Exception:  # noqa: BLE001 - never break a page over a plot clean-up
                pass

    clean_problem_modules.keeps_keras = True
    script_runner._clean_problem_modules = clean_problem_modules


def fragment_rerun() -> bool:
    """True inside a fragment's own timed rerun, False in the full run that first draws it."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def in_server() -> bool:
    """True under ``streamlit run`` (a browser watches), False in AppTests and scripts."""
    from streamlit.runtime import Runtime

    # AppTest stands in a MagicMock(spec=Runtime), which passes isinstance: compare types.
    return Runtime.exists() and type(Runtime.instance()) is Runtime
