"""One catalog for the interface's words, in English and Korean.

``t("task.train")`` gives the current language's text (``?lang=ko`` or the switch beside
every page title); ``t("…", n=3)`` fills ``{n}``. The catalog lives in
``assets/i18n/<lang>/*.toml`` (one file per part of the app) as flat keys; both languages
hold the same keys (a test checks), and no key is defined twice.
The core's settings keep their English labels in the schema; the app shows them through
``param_label`` / ``param_help``. Charts are built in English by pure builders;
``figure`` translates their titles, axis names, legends and notes on the way out.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

import streamlit as st

from app import state

CATALOG_DIR = Path(__file__).resolve().parent.parent / "assets" / "i18n"
LANGUAGES = {"en": "English", "ko": "한국어"}


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / lang).glob("*.toml")):
        with open(path, "rb") as f:
            part = tomllib.load(f)
        twice = set(part) & set(merged)
        if twice:
            raise ValueError(f"{path.name} defines {sorted(twice)} again")
        merged.update(part)
    return merged


def lang() -> str:
    chosen = st.session_state.get(state.LANGUAGE, "en")
    return chosen if chosen in LANGUAGES else "en"


def t(key: str, **values) -> str:
    """The text of ``key`` in the current language (English if a translation is missing)."""
    text = catalog(lang()).get(key) or catalog("en")[key]
    return text.format(**values) if values else text


def param_label(name: str, english: str) -> str:
    return catalog(lang()).get(f"param.{name}", english)


def param_help(name: str, english: str) -> str:
    return catalog(lang()).get(f"param.{name}.help", english)


@functools.cache
def _chart_phrases(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """English chart phrase → translation, longest first, as whole-word patterns."""
    english, local = catalog("en"), catalog(lang)
    pairs = [(english[k], local[k]) for k in english if k.startswith("chart.") and k in local]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return tuple((re.compile(rf"(?<!\w){re.escape(a)}(?!\w)"), b) for a, b in pairs)


def translate(text: str) -> str:
    """A chart text with every catalogued phrase in the current language."""
    if lang() == "en" or not text:
        return text
    for pattern, local in _chart_phrases(lang()):
        text = pattern.sub(local, text)
    return text


def figure(fig):
    """The figure's words (title and subtitle, axis titles, legend names, notes) in the
    current language."""
    if lang() == "en":
        return fig
    layout = fig.layout
    if layout.title and layout.title.text:
        layout.title.text = translate(layout.title.text)
    if layout.title and layout.title.subtitle and layout.title.subtitle.text:
        layout.title.subtitle.text = translate(layout.title.subtitle.text)
    for name in list(layout.to_plotly_json()):
        axis = getattr(layout, name, None) if name.startswith(("xaxis", "yaxis")) else None
        if axis is not None and axis.title and axis.title.text:
            axis.title.text = translate(axis.title.text)
    shared = layout.coloraxis.colorbar if layout.coloraxis else None  # e.g. subplots' one scale
    if shared is not None and shared.title and shared.title.text:
        shared.title.text = translate(shared.title.text)
    for note in layout.annotations or ():
        note.text = translate(note.text)
    for trace in fig.data:
        if getattr(trace, "name", None):
            trace.name = translate(trace.name)
        if isinstance(getattr(trace, "hovertemplate", None), str):
            sentences = trace.text if isinstance(trace.text, tuple | list) else ()
            if "%{text}" in trace.hovertemplate and all(isinstance(v, str) for v in sentences):
                trace.text = [translate(text) for text in sentences]  # hover sentences
            trace.hovertemplate = translate(trace.hovertemplate)
        bar = getattr(trace, "colorbar", None)
        if bar is not None and bar.title and bar.title.text:
            bar.title.text = translate(bar.title.text)
    return fig


_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]+)(</text>)")


def svg(text: str) -> str:
    """An SVG diagram with the words of its ``<text>`` elements in the current language
    (the chart phrases; attributes and symbols stay as they are)."""
    if lang() == "en":
        return text
    return _SVG_TEXT.sub(lambda m: m.group(1) + translate(m.group(2)) + m.group(3), text)


def error(exc: Exception | str) -> str:
    """The sentence of a core ``ValueError`` in the current language.

    The core raises English sentences; ``error.*`` keys hold them as templates
    (``{name}`` is the varying part). A sentence that matches one is given in the
    current language with the same values; any other stays as the core wrote it."""
    message = str(exc)
    if lang() == "en":
        return message
    for key, pattern in _error_patterns():
        found = pattern.fullmatch(message)
        if found:
            local = catalog(lang()).get(key)
            values = {name: _value_words(text) for name, text in found.groupdict().items()}
            return local.format(**values) if local else message
    return message


def _value_words(text: str) -> str:
    """A value caught in a core sentence, in the current language where it is words: a
    setting's label ("Units"), or a sentence of its own (a reason inside a reason)."""
    labels = _setting_labels()
    if text in labels:
        return param_label(labels[text], text)
    return error(text) if len(text) > 20 else text


@functools.cache
def _setting_labels() -> dict[str, str]:
    """English label of every schema setting → its name (``"Units"`` → ``"units"``)."""
    from lstm_core import schema, scratch
    from lstm_core.models import ModelSpec
    from lstm_core.training import TrainConfig

    return {p.label: p.name for cls in (ModelSpec, TrainConfig, scratch.Example)
            for p in schema.params(cls)}  # fmt: skip


@functools.cache
def _error_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """``error.*`` key → the regex of its English template, most fixed text first."""
    patterns = []
    for key, template in catalog("en").items():
        if key.startswith("error."):
            parts = re.split(r"\{(\w+)\}", template)  # text, name, text, name, …, text
            regex, named = "", set()
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    regex += re.escape(part)
                else:  # a name used twice must hold the same text twice
                    regex += f"(?P={part})" if part in named else f"(?P<{part}>.+?)"
                    named.add(part)
            literal = len(re.sub(r"\{\w+\}", "", template))  # the most specific first
            patterns.append((literal, key, re.compile(regex, re.DOTALL)))
    patterns.sort(key=lambda entry: -entry[0])
    return tuple((key, pattern) for _, key, pattern in patterns)
