"""A guided lesson path: the ordered steps of a lesson page, written as data.

``assets/paths/<page>.toml`` (format in ``assets/paths/README.md``): for each step, what
to predict before Train, the preset to train, what to notice, and a check question whose
answer is revealed on click, in English and Korean. A student alone walks the path at
their own pace (Previous / Next); a teacher's Next moves the whole class to that step,
and a student who follows the class lands on it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app import classroom, i18n, state
from app.i18n import t

PATHS_DIR = Path(__file__).resolve().parent.parent / "assets" / "paths"
FIELDS = ("predict", "notice", "question", "answer")
LANGS = tuple(i18n.LANGUAGES)
MAX_STEPS = 12


@dataclass(frozen=True)
class Step:
    preset: str  # "" when the step trains nothing of its own
    texts: dict[str, dict[str, str]]  # field -> language -> text

    def text(self, field: str, lang: str) -> str:
        return self.texts[field][lang]


@dataclass(frozen=True)
class LessonPath:
    page: str
    title: dict[str, str]
    steps: tuple[Step, ...]


def parse(page: str, data: dict, presets: Collection[str]) -> LessonPath:
    """A path from its TOML data; a ValueError names what is missing or wrong."""

    def both(where: str, value: object) -> dict[str, str]:
        if not isinstance(value, dict) or any(
            not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGS
        ):
            raise ValueError(f"The path of {page}: {where} needs a text in each of {LANGS}.")
        return {lang: value[lang].strip() for lang in LANGS}

    title = both("the title", data.get("title"))
    raw = data.get("steps")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STEPS:
        raise ValueError(f"The path of {page} needs 1 to {MAX_STEPS} [[steps]].")
    steps = []
    for number, step in enumerate(raw, start=1):
        preset = step.get("preset", "") if isinstance(step, dict) else None
        if not isinstance(preset, str) or (preset and preset not in presets):
            raise ValueError(f"The path of {page}, step {number}: no preset {preset!r} here.")
        texts = {field: both(f"step {number}'s {field}", step.get(field)) for field in FIELDS}
        steps.append(Step(preset, texts))
    return LessonPath(page, title, tuple(steps))


@functools.cache
def load(page: str) -> LessonPath | None:
    """The path of a lesson page (None: the page has none)."""
    from app import presets

    file = PATHS_DIR / f"{page}.toml"
    if not file.is_file():
        return None
    with file.open("rb") as f:
        return parse(page, tomllib.load(f), presets.of(page))


def current_step(page: str) -> int:
    """The step (1-based) this session is at on the page's path."""
    return int(st.session_state.get(state.path_step(page), 1))


def go_to(page: str, number: int, apply: Callable[[str], None] | None) -> None:
    """on_click of Previous / Next: the step, its preset and, for a teacher, the class."""
    path = load(page)
    number = min(max(number, 1), len(path.steps))
    st.session_state[state.path_step(page)] = number
    preset = path.steps[number - 1].preset
    if preset and apply is not None:
        apply(preset)
    if classroom.teaching():
        classroom.move_to(page, preset, number)


def show(page: str, apply: Callable[[str], None] | None = None) -> None:
    """The path's panel under the page's title: one line (the step and what to predict)
    until opened. ``apply(preset)`` sets a preset's settings (None: the page has none)."""
    path = load(page)
    if path is None:
        return
    lang = i18n.lang()
    number = min(current_step(page), len(path.steps))
    step = path.steps[number - 1]
    label = t("path.label", step=number, steps=len(path.steps), predict=step.text("predict", lang))
    with st.expander(label, icon=":material/route:"):
        st.markdown(f"**{path.title[lang]}**")
        st.markdown(t("path.predict", text=step.text("predict", lang)))
        if step.preset and apply is not None:
            st.button(t("path.set_up"), key=state.button(page, f"path_set_up_{number}"),
                      on_click=apply, args=(step.preset,))  # fmt: skip
        st.markdown(t("path.notice", text=step.text("notice", lang)))
        st.markdown(t("path.question", text=step.text("question", lang)))
        with st.popover(t("path.answer")):
            st.write(step.text("answer", lang))
        back, forward, _ = st.columns([1, 1, 3])
        back.button(t("path.previous"), key=state.button(page, "path_previous"),
                    on_click=go_to, args=(page, number - 1, apply), disabled=number == 1,
                    width="stretch")  # fmt: skip
        forward.button(t("path.next_class") if classroom.teaching() else t("path.next"),
                       key=state.button(page, "path_next"), on_click=go_to,
                       args=(page, number + 1, apply), disabled=number == len(path.steps),
                       width="stretch", type="primary")  # fmt: skip
