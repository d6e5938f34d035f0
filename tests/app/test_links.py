"""Links: every setting in the URL, read once by a fresh session; hostile links; presets."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import state
from tests.app.conftest import MAIN, TIMEOUT, texts

PAGE = "sequence_classification"


def open_link(page: str, **query: str) -> AppTest:
    """A fresh browser opening ``/<page>?<query>``: the page is the session's first."""
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def query_of(at: AppTest) -> dict[str, str]:
    return {key: (value[-1] if isinstance(value, list) else value)
            for key, value in at.query_params.items()}  # fmt: skip


def widget_value(at: AppTest, page: str, name: str):
    return at.session_state[state.widget(page, name)]


def test_a_link_sets_the_page_and_the_page_writes_its_link_back():
    at = open_link(PAGE, units="64", cell="gru", learning_rate="0.003", patience="7")
    assert widget_value(at, PAGE, "units") == 64
    assert widget_value(at, PAGE, "cell") == "gru"
    assert widget_value(at, PAGE, "learning_rate") == 0.003
    assert widget_value(at, PAGE, "early_stopping") is True
    assert widget_value(at, PAGE, "patience") == 7
    assert not at.warning, "nothing ignored"
    written = query_of(at)
    assert written == {"units": "64", "cell": "gru", "learning_rate": "0.003", "patience": "7"}
    again = open_link(PAGE, **written)  # the round trip: the same settings in a new session
    for name in ("units", "cell", "learning_rate", "patience", "dropout", "epochs", "seed"):
        assert widget_value(again, PAGE, name) == widget_value(at, PAGE, name)


def test_changing_a_widget_updates_the_link():
    at = open_link(PAGE)
    assert query_of(at) == {}  # the tutorial's settings: nothing to write
    at.number_input(key=state.widget(PAGE, "units")).set_value(32).run()
    assert query_of(at) == {"units": "32"}
    at.slider(key=state.widget(PAGE, "dropout")).set_value(0.5).run()
    assert query_of(at) == {"units": "32", "dropout": "0.5"}


def test_a_hostile_link_is_ignored_with_one_plain_note():
    huge = "9" * 5000
    at = open_link(
        PAGE,
        units="abc",
        layers="99999",
        cell="<script>alert(1)</script>",
        epochs="1.5",
        dropout="nan",
        lang="xx",
        bogus="1",
        seed=huge,
        activation="relu",  # a good value among the bad ones is taken
    )
    [note] = texts(at.warning)
    for named in ("units", "layers", "cell", "epochs", "dropout", "lang", "bogus", "seed"):
        assert named in note
    assert "<" not in note and len(note) < 1500, "markup stripped, long values cut"
    assert widget_value(at, PAGE, "units") == 128  # the lesson's values stay
    assert widget_value(at, PAGE, "cell") == "lstm"
    assert widget_value(at, PAGE, "activation") == "relu"
    dense = open_link(PAGE, cell="dense")  # a cell this page does not offer
    assert "cell=dense" in texts(dense.warning)[0]
    assert "units" not in query_of(at)  # and the link is rewritten clean


def test_a_preset_link_and_teacher_mode_show_only_what_the_experiment_needs():
    at = open_link(PAGE, preset="too_much_dropout", teacher="1")
    assert widget_value(at, PAGE, "dropout") == 0.8
    assert widget_value(at, PAGE, "recurrent_dropout") == 0.8
    shown = {getattr(w, "key", None) for w in at.sidebar} - {None}
    settings_shown = {k.split(":")[-1] for k in shown if k.startswith("w:")}
    assert settings_shown == {"dropout", "recurrent_dropout", "epochs"}
    assert query_of(at) == {"teacher": "1", "preset": "too_much_dropout"}
    at.button(key=f"b:{PAGE}:all_settings").click().run()  # a student may see everything
    assert {"units", "layers", "seed"} <= {
        k.split(":")[-1] for k in ({getattr(w, "key", None) for w in at.sidebar} - {None})
    }
    assert "teacher" not in query_of(at)


def test_choosing_a_preset_on_the_page_sets_its_settings():
    at = open_link("hello")
    at.pills(key=state.widget("hello", "preset")).set_value("tiny").run()
    assert widget_value(at, "hello", "units") == 2
    assert query_of(at) == {"preset": "tiny"}
    at.pills(key=state.widget("hello", "preset")).set_value("simple_rnn").run()
    assert widget_value(at, "hello", "units") == 16  # back to the lesson's, then its own
    assert widget_value(at, "hello", "cell") == "simple_rnn"


def test_a_link_to_another_page_is_not_applied_to_the_next_page_visited():
    at = open_link("hello", units="4", text="hola")
    assert widget_value(at, "hello", "text") == "hola"
    at.switch_page(f"views/{PAGE}.py").run()
    assert not at.warning and widget_value(at, PAGE, "units") == 128


def test_a_link_carries_the_data_settings_of_next_number():
    at = open_link("next_number", variant="own", series="2, 4, 6, 8, 10", window="2",
                   scaling="minmax")  # fmt: skip
    assert not at.warning and not at.error
    assert widget_value(at, "next_number", "series") == "2, 4, 6, 8, 10"
    assert widget_value(at, "next_number", "window") == 2
    written = query_of(at)
    assert {k: written[k] for k in ("variant", "series", "window", "scaling")} == {
        "variant": "own",
        "series": "2, 4, 6, 8, 10",
        "window": "2",
        "scaling": "minmax",
    }
    bad = open_link("next_number", variant="huge", window="500")
    assert "variant=huge" in texts(bad.warning)[0] and "window=500" in texts(bad.warning)[0]


# A lesson page's link: query -> the widget values it sets ({widget name: value}).
LESSON_LINKS = {
    "compare": (
        {"task": "hello", "units": "24", "epochs": "40", "learning_rate": "0.02", "seed": "3"},
        {"task": "hello", "hello:units": 24, "hello:epochs": 40, "hello:learning_rate": 0.02,
         "hello:seed": 3},
    ),
    "long_memory": (
        {"lengths": "5,200", "seeds": "3", "epochs": "40", "grad_length": "100",
         "forget_bias": "false"},
        {"lengths": [5, 200], "seeds": 3, "epochs": 40, "grad_length": 100, "forget_bias": False},
    ),
    "scratch": (
        {"timesteps": "5", "input_features": "3", "units": "7", "seed": "42", "activation": "relu"},
        {"timesteps": 5, "input_features": 3, "units": 7, "seed": 42, "activation": "relu"},
    ),
    "sentiment": (
        {"units": "16", "embedding_dim": "8", "epochs": "5", "seed": "4",
         "sentence": "a dull film"},
        {"units": 16, "embedding_dim": 8, "epochs": 5, "seed": 4, "sentence": "a dull film"},
    ),
    "inside": ({"model": "hello"}, {"model": "hello"}),
}  # fmt: skip


@pytest.mark.parametrize("page", list(LESSON_LINKS))
def test_a_lesson_page_takes_its_settings_from_a_link_and_writes_them_back(page):
    query, expected = LESSON_LINKS[page]
    at = open_link(page, **query)
    assert not [text for text in texts(at.warning) if "from the link" in text], "nothing ignored"
    for name, value in expected.items():
        assert widget_value(at, page, name) == value, name
    written = query_of(at)
    assert written == query
    again = open_link(page, **written)  # a new session: the same settings
    for name, value in expected.items():
        assert widget_value(again, page, name) == value, name


@pytest.mark.parametrize("page", list(LESSON_LINKS))
def test_a_lesson_page_ignores_a_hostile_link_with_one_plain_note_and_keeps_its_defaults(page):
    plain = open_link(page)
    assert query_of(plain) == {}, "the page's own defaults write no link"
    # markup around a number too long for any setting (a sentence holds 200 characters)
    bad = {name: "<b>" + "9" * 300 + "</b>" for name in LESSON_LINKS[page][0]} | {"bogus": "1"}
    at = open_link(page, **bad)
    [note] = [text for text in texts(at.warning) if "bogus" in text]
    for name in bad:
        assert name in note
    assert "<" not in note
    kept = [n for n in LESSON_LINKS[page][1] if state.widget(page, n) in plain.session_state]
    assert kept
    for name in kept:  # (Compare: the default task's own knobs)
        assert widget_value(at, page, name) == widget_value(plain, page, name), name
    assert query_of(at) == {}


def test_the_shapes_page_keeps_its_stack_in_the_link():
    at = open_link("shapes", preset="stacked", timesteps="30", **{"2:units": "64"})
    assert widget_value(at, "shapes", "preset") == "seed 001: two stacked LSTMs (works)"
    assert widget_value(at, "shapes", "timesteps") == 30
    assert widget_value(at, "shapes", "2:units") == 64  # the link wins over the preset
    assert widget_value(at, "shapes", "1:return_sequences") is True  # the preset's own
    assert not at.warning, texts(at.warning)
    written = query_of(at)
    assert written == {"preset": "stacked", "timesteps": "30", "2:units": "64"}
    at.checkbox(key=state.widget("shapes", "1:return_sequences")).uncheck().run()
    assert query_of(at)["1:return_sequences"] == "false"  # the stack that breaks, shareable
    again = open_link("shapes", **query_of(at))
    assert widget_value(again, "shapes", "1:return_sequences") is False
    assert any("cannot" in e or "3D" in e or "ndim" in e for e in texts(again.error)), texts(
        again.error
    )


def test_a_hostile_link_to_the_shapes_page_is_named_and_the_page_works():
    at = open_link("shapes", preset="<b>x</b>", layers="99", **{"1:kind": "conv"})
    [note] = texts(at.warning)
    assert "preset" in note and "layers=99" in note and "1:kind=conv" in note
    assert widget_value(at, "shapes", "preset") == "seed 003: LSTM(20) many-to-one"
    assert at.dataframe, "the parameter table is still there"
