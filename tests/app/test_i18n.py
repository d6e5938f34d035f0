"""The catalog: English and Korean with the same keys; pages in Korean show Korean."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from app import i18n, state
from tests.app.conftest import figure_titled, texts, train
from tests.app.test_links import open_link, query_of

APP = Path(__file__).resolve().parents[2] / "app"
HANGUL = re.compile(r"[가-힣]")
# Three English words in a row: a sentence the catalog did not translate (names of
# layers and functions are the same in both languages, as in the seeds).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
NAMES = re.compile(r"\b(LSTM|GRU|SimpleRNN|RNN|Dense|Keras|Embedding|Adam|tanh|relu|sigmoid|"
                   r"softmax|Hello)\b")  # fmt: skip


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    en, ko = i18n.catalog("en"), i18n.catalog("ko")
    assert set(en) == set(ko), f"missing in ko: {set(en) - set(ko)}; in en: {set(ko) - set(en)}"
    for key in en:
        assert en[key].strip() and ko[key].strip(), key
        assert placeholders(en[key]) == placeholders(ko[key]), key
    assert all(HANGUL.search(ko[k]) for k in ko if k.startswith(("home.", "status.", "runs.")))


def test_every_key_the_code_asks_for_exists():
    asked = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                asked.add(node.args[0].value)
    assert len(asked) > 40
    assert not asked - set(i18n.catalog("en")), asked - set(i18n.catalog("en"))


def visible_texts(at) -> list[str]:
    found = [*texts(at.title), *texts(at.caption), *texts(at.subheader), *texts(at.markdown)]
    found += [*texts(at.warning), *texts(at.success), *texts(at.info)]
    for widget in (*at.button, *at.slider, *at.number_input, *at.selectbox, *at.toggle):
        found += [widget.label, getattr(widget, "help", None) or ""]
    return [t for t in found if t]


def test_home_in_korean_has_no_english_sentence_left():
    at = open_link("home", lang="ko")
    shown = visible_texts(at)
    assert any(HANGUL.search(t) for t in shown)
    leftovers = [t for t in shown if ENGLISH.search(NAMES.sub("", t))]
    assert not leftovers, leftovers
    assert query_of(at).get("lang") == "ko"


def test_a_task_page_in_korean_trains_and_reports_in_korean():
    page = "sequence_classification"
    at = open_link(page, lang="ko")
    assert at.session_state[state.LANGUAGE] == "ko"
    labels = [w.label for w in (*at.sidebar.number_input, *at.sidebar.slider)]
    assert "유닛 수" in labels and "에포크" in labels
    assert all(HANGUL.search(label) for label in labels)
    assert at.button(key=f"b:{page}:train").label == "▶ 학습"
    assert HANGUL.search(texts(at.title)[0]) and HANGUL.search(texts(at.caption)[0])
    train(at, page, units=8, epochs=5)
    assert any("5 에포크를" in s for s in texts(at.success))
    curves = figure_titled(at, "학습")
    assert curves["layout"]["xaxis"]["title"]["text"] == "에포크"
    assert [m.label for m in at.metric][0] == "학습 데이터"
    leftovers = [t for t in visible_texts(at) if ENGLISH.search(NAMES.sub("", t))]
    assert not leftovers, leftovers  # the whole trained page, below the first screen too
    at.selectbox(key=state.LANGUAGE).set_value("en").run()  # the switch on the page
    assert at.button(key=f"b:{page}:train").label == "▶ Train"
    assert "lang" not in query_of(at)


def test_every_page_and_preset_has_its_words():
    from app import presets
    from app.main_pages import PAGES

    en = i18n.catalog("en")
    for name in PAGES:
        assert f"nav.{name}" in en and f"page.{name}" in en
    for page, choices in presets.PRESETS.items():
        for preset in choices:
            assert f"preset.{preset.key}" in en and f"question.{page}.{preset.key}" in en
