"""The catalog: English and Korean with the same keys; pages in Korean show Korean."""

from __future__ import annotations

import ast
import importlib
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


# ------------------------------------------------------------- the lesson pages in Korean


def page_texts(at) -> list[str]:
    """Everything ``visible_texts`` reads, and the other widgets, metrics, expanders and
    table headings a lesson page shows."""
    found = visible_texts(at)
    for widget in (*at.radio, *at.multiselect, *at.checkbox, *at.text_input, *at.select_slider):
        found += [widget.label, getattr(widget, "help", None) or ""]
    for widget in (*at.radio, *at.selectbox, *at.select_slider, *at.multiselect):
        found += [str(option) for option in widget.options]
    found += [*texts(at.error), *(m.label for m in at.metric), *(e.label for e in at.expander)]
    found += [str(column) for frame in at.dataframe for column in frame.value.columns]
    return [t for t in found if t]


# Code as the seeds write it: a Keras shape "(batch, timesteps, units)" or `inline code`.
CODE = re.compile(r"\((?:[a-z_]+, )+[a-z_]+\)|`[^`]*`")


def english_left(at) -> list[str]:
    return [t for t in page_texts(at) if ENGLISH.search(NAMES.sub("", CODE.sub("", t)))]


def chart_words(at) -> list[str]:
    """Titles, subtitles, axis titles, trace names and notes of every chart on the page."""
    from tests.app.conftest import figures

    words = []
    for fig in figures(at):
        layout = fig.get("layout", {})
        title = layout.get("title", {})
        words += [title.get("text", ""), title.get("subtitle", {}).get("text", "")]
        for name, axis in layout.items():
            if name.startswith(("xaxis", "yaxis")):
                words.append(axis.get("title", {}).get("text", ""))
        words += [note.get("text", "") for note in layout.get("annotations", [])]
        words += [trace.get("name", "") for trace in fig.get("data", [])]
    return [w for w in words if w]


def english_in_hover(at) -> list[str]:
    """Hover texts of the page's charts holding an English word (of 3+ letters) besides the
    names both languages share; ``%{…}`` values and markup removed."""
    from tests.app.conftest import figures

    found = []
    for fig in figures(at):
        for trace in fig.get("data", []):
            template = trace.get("hovertemplate") or ""
            shown = [template]
            if "%{text}" in template and isinstance(trace.get("text"), list):
                shown += [v for v in trace["text"] if isinstance(v, str)]
            for hover in shown:
                text = re.sub(r"%\{[^}]*\}|<[^>]+>|\de[+-]?\d+", " ", hover)
                if re.search(r"[A-Za-z]{3,}", NAMES.sub("", text)):
                    found.append(hover)
    return found


def english_in_charts(at) -> list[str]:
    return [w for w in chart_words(at) if ENGLISH.search(NAMES.sub("", re.sub(r"<[^>]+>", " ", w)))]


def test_inside_the_cell_in_korean():
    at = open_link("inside", lang="ko")
    assert any("학습된 모델이 아직 없습니다" in i for i in texts(at.info))
    assert not english_left(at), english_left(at)
    seq = "sequence_classification"
    at.switch_page(f"views/{seq}.py").run()
    train(at, seq, units=8, epochs=5)
    at.button(key=f"b:{seq}:inside").click().run()
    at.switch_page("views/inside.py").run()
    assert not at.exception, at.exception
    assert texts(at.title)[0] == "셀 내부 들여다보기"
    assert figure_titled(at, "망각 게이트 ·")
    assert at.button(key="b:inside:play").label == "▶ 재생"
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)
    assert not english_in_hover(at), english_in_hover(at)


def test_shapes_in_korean():
    at = open_link("shapes", lang="ko")
    assert texts(at.title)[0] == "모양과 파라미터"
    assert "파라미터 수" in list(at.dataframe[0].value.columns)
    assert any("파라미터 모두 1,970개" in m for m in texts(at.markdown))
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)
    at.selectbox(key="w:shapes:preset").set_value("Embedding + SimpleRNN (seed 002)").run()
    assert not at.exception and not at.error
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)


def test_rnn_from_scratch_in_korean():
    at = open_link("scratch", lang="ko")
    assert texts(at.title)[0] == "처음부터 만드는 RNN"
    at.select_slider(key="w:scratch:t").set_value(2).run()
    assert figure_titled(at, "스텝 t = 3:") and figure_titled(at, "같은 가중치, numpy와 Keras")
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)
    for name, value in (("timesteps", 100), ("input_features", 32), ("units", 64)):
        at.number_input(key=f"w:scratch:{name}").set_value(value).run()
    at.selectbox(key="w:scratch:activation").set_value("linear").run()  # float32 overflows
    assert any("float32" in w for w in texts(at.warning))
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)


def test_compare_cells_in_korean():
    from app import pool

    task = "sequence_classification"
    at = open_link("compare", lang="ko")
    assert texts(at.title)[0] == "비교하기"
    assert not english_left(at), english_left(at)
    at.get_by_key(f"w:compare:{task}:epochs").set_value(5)
    at.get_by_key(f"w:compare:{task}:units").set_value(4)
    at.run()
    at.button(key="b:compare:train").click().run()
    assert not at.exception, at.exception
    assert figure_titled(at, "셀별 손실")  # the live chart
    assert not english_left(at), english_left(at)
    for cell in ("simple_rnn", "lstm", "gru", "dense"):
        pool.pool().wait(at.session_state[f"run:compare:{task}:{cell}"].job, timeout=120)
    at.run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "파라미터 수" in df.value.columns)
    assert list(table["모델"]) == ["SimpleRNN", "LSTM", "GRU", "Dense"]
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)


def test_long_term_memory_in_korean():
    from app import memory_lesson, pool

    at = open_link("long_memory", lang="ko")
    assert texts(at.title)[0] == "장기 기억"
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)
    assert not english_in_hover(at), english_in_hover(at)
    at.multiselect(key="w:long_memory:lengths").set_value([5])
    at.number_input(key="w:long_memory:seeds").set_value(1)
    at.number_input(key="w:long_memory:epochs").set_value(5)
    at.run()
    at.button(key="b:long_memory:sweep").click().run()
    assert not at.exception, at.exception
    for job in at.session_state[memory_lesson.SWEEP_KEY].jobs.values():
        pool.pool().wait(job, timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert any("실험 묶음이 끝났습니다" in s for s in texts(at.success))
    assert "길이 L" in next(df.value for df in at.dataframe).columns
    assert figure_titled(at, "시퀀스 길이에 따른 검증 정확도")
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)


def test_sentiment_in_korean():
    from app import pool

    at = open_link("sentiment", lang="ko")
    assert texts(at.title)[0] == "감성 분석: 단어를 읽고 의견을 말하기"
    assert not english_left(at), english_left(at)
    at.get_by_key("w:sentiment:epochs").set_value(3)
    at.get_by_key("w:sentiment:units").set_value(8)
    at.run()
    at.button(key="b:sentiment:train").click().run()
    assert not at.exception, at.exception
    for cell in ("simple_rnn", "lstm"):
        pool.pool().wait(at.session_state[f"run:sentiment:{cell}"].job, timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="w:sentiment:sentence").set_value("a wonderful zzzqx film").run()
    assert any("어휘에 없어" in m and "zzzqx" in m for m in texts(at.markdown))
    assert figure_titled(at, "단어를 하나씩 읽을 때마다")
    assert figure_titled(at, "망각 게이트 · 단어별")
    assert not english_left(at), english_left(at)
    assert not english_in_charts(at), english_in_charts(at)


# ------------------------------------------------------------- the core's sentences, diagrams


RAISED = ("ValueError", "StackError", "StoreUnavailable")  # ValueErrors of shapes and store


def core_sentences() -> list[str]:
    """Every ``raise ValueError(<text>)`` of lstm_core whose text is written at the raise,
    with each ``{…}`` value filled by a sample ("7"), except what does not vary: a module
    constant (``{SAVE_AS_CSV}``, ``{MAX_MB}``) is its real text, a local f-string (text.py's
    ``damaged``) is spelled out, and ``{'s' if … else ''}`` gives both branches."""
    found = []
    for path in sorted((APP.parent / "lstm_core").glob("*.py")):
        module = importlib.import_module(f"lstm_core.{path.stem}")
        tree = ast.parse(path.read_text())
        local = {}  # name -> the f-string assigned to it in some function
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.JoinedStr):
                local.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
        for node in ast.walk(tree):
            call = node.exc if isinstance(node, ast.Raise) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") in RAISED:
                found += _sentences(call.args[0], module, local) if call.args else []
    return found


def _sentences(node, module, local) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _sentences(node.body, module, local) + _sentences(node.orelse, module, local)
    if not isinstance(node, ast.JoinedStr):
        return []
    out = [""]
    for part in node.values:
        value = getattr(part, "value", None)
        if isinstance(part, ast.Constant):
            options = [part.value]
        elif isinstance(value, ast.Name) and value.id.isupper():
            constant = getattr(module, value.id)
            constant = repr(constant) if part.conversion == ord("r") else constant
            spec = "".join(p.value for p in part.format_spec.values) if part.format_spec else ""
            options = [format(constant, spec)]
        elif isinstance(value, ast.Name) and value.id in local:
            options = _sentences(local[value.id], module, local)
        elif isinstance(value, ast.IfExp):
            options = [b.value if isinstance(b, ast.Constant) else "7"
                       for b in (value.body, value.orelse)]  # fmt: skip
        else:
            options = ["7"]
        out = [a + b for a in out for b in options]
    return out


def test_every_sentence_the_core_raises_has_its_korean(monkeypatch):
    sentences = core_sentences()
    assert len(sentences) > 80
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    untranslated = [s for s in sentences if i18n.error(ValueError(s)) == s]
    assert not untranslated, untranslated
    sample = "Type exactly 3 numbers (you typed 2): this model reads sequences of 3 steps."
    korean = i18n.error(ValueError(sample))
    assert HANGUL.search(korean) and "3" in korean and "2" in korean, korean
    unknown = "A sentence no template knows."
    assert i18n.error(ValueError(unknown)) == unknown


def test_bad_input_on_a_korean_page_is_told_in_korean():
    at = open_link("hello", lang="ko", text="a")  # one character: nothing to predict
    [error] = texts(at.error)
    assert HANGUL.search(error) and "hello" in error, error
    assert not ENGLISH.search(NAMES.sub("", CODE.sub("", error.replace("'hello'", "")))), error


def test_the_cell_diagrams_speak_korean(monkeypatch):
    from app import charts

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for cell in ("lstm", "gru", "simple_rnn"):
        svg = i18n.svg(charts.cell_diagram_svg(cell=cell))
        words = re.findall(r"<text\b[^>]*>([^<]+)</text>", svg)
        assert any(HANGUL.search(w) for w in words), cell
        english = [w for w in words if re.search(r"[a-z]{3,}", NAMES.sub("", w))]
        assert not english, (cell, english)
        assert svg.count("<text") == charts.cell_diagram_svg(cell=cell).count("<text")
