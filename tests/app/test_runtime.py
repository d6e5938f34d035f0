"""Streamlit must not reset Keras (process-wide) after a page's script run."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app" / "views" / "sequence_classification.py")


def test_a_rerun_leaves_keras_global_state_alone():
    import keras
    from keras.src.backend.common import global_state

    keras.layers.Dense(2)  # make sure Keras is loaded and has state
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    tracker = global_state.GLOBAL_STATE_TRACKER
    at.run()
    assert not at.exception
    # Streamlit's own clean-up would have replaced the tracker (keras clear_session)
    assert global_state.GLOBAL_STATE_TRACKER is tracker


def test_an_apptest_is_not_a_server_so_nothing_replays():
    """AppTest's stand-in Runtime passes isinstance; ``in_server`` must still say no."""
    at = AppTest.from_string(
        "import streamlit as st\nfrom app import runtime\nst.write(str(runtime.in_server()))"
    )
    at.run()
    assert [m.value for m in at.markdown] == ["False"]
