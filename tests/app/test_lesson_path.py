"""Guided lesson paths: every shipped path reads (both languages, real presets), a student
walks it step by step, and a teacher's Next takes the class along."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import classroom, lesson_path, presets, state
from tests.app.conftest import MAIN, TIMEOUT, open_page, texts

REQUIRED = ("sequence_classification", "next_number", "hello", "inside", "long_memory")


def step(preset: str = "", **texts_by_field) -> dict:
    both = lambda text: {"en": text, "ko": text + " (ko)"}  # noqa: E731
    return {"preset": preset, **{f: both(texts_by_field.get(f, f)) for f in lesson_path.FIELDS}}


def test_every_required_lesson_has_a_path_that_reads_in_both_languages():
    for page in REQUIRED:
        path = lesson_path.load(page)
        assert path is not None, f"{page} has no lesson path"
        assert 3 <= len(path.steps) <= lesson_path.MAX_STEPS
        for s in path.steps:
            assert not s.preset or s.preset in presets.of(page)
            for field in lesson_path.FIELDS:
                en, ko = s.text(field, "en"), s.text(field, "ko")
                assert en != ko and any("\uac00" <= c <= "\ud7a3" for c in ko)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"title": {"en": "x"}, "steps": [step()]}, "the title needs a text in each"),
        ({"title": {"en": "x", "ko": "y"}, "steps": []}, "needs 1 to 12"),
        ({"title": {"en": "x", "ko": "y"}, "steps": [step("nope")]}, "no preset 'nope'"),
        ({"title": {"en": "x", "ko": "y"}, "steps": [{"preset": "", "predict": "p"}]},
         "step 1's predict needs a text"),
    ],
)  # fmt: skip
def test_a_broken_path_file_is_named_with_what_is_wrong(data, said):
    with pytest.raises(ValueError, match=said):
        lesson_path.parse("hello", data, presets.of("hello"))


def test_a_student_walks_the_path_and_each_step_sets_its_experiment():
    path = lesson_path.load("hello")
    at = open_page("hello")
    label = at.expander[0].label
    assert label.startswith(f"Lesson path · step 1 of {len(path.steps)}")
    assert path.steps[0].text("predict", "en") in label
    at.button(key="b:hello:path_next").click().run()
    assert at.session_state[state.path_step("hello")] == 2
    assert f"step 2 of {len(path.steps)}" in at.expander[0].label
    second = path.steps[1].preset
    if second:
        assert at.session_state[state.widget("hello", "preset")] == second
    assert any(path.steps[1].text("notice", "en") in m for m in texts(at.markdown))
    at.button(key="b:hello:path_previous").click().run()
    assert at.session_state[state.path_step("hello")] == 1
    assert at.button(key="b:hello:path_previous").disabled


@pytest.mark.usefixtures("fresh_store")
def test_the_teachers_next_step_moves_the_class_and_a_follower_lands_on_it():
    teacher = open_page("sequence_classification")
    teacher.button(key="b:class:start").click().run()
    code = teacher.session_state[classroom.CODE_KEY]
    pupil = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    pupil.query_params["join"] = code
    pupil.run()
    next_step = "b:sequence_classification:path_next"
    assert "Next step for the class" in teacher.button(key=next_step).label
    teacher.button(key=next_step).click().run()
    pupil.run()
    assert any("moved to step 2" in s for s in texts(pupil.info))
    pupil.button(key="b:class:go").click().run()
    assert pupil.session_state[state.path_step("sequence_classification")] == 2
    assert "step 2 of" in pupil.expander[0].label
    step_two = lesson_path.load("sequence_classification").steps[1].preset
    if step_two:
        assert pupil.session_state[state.widget("sequence_classification", "preset")] == step_two
