"""A page's settings in the address bar: a link opens the same experiment elsewhere.

The query string uses the schema's own field names (``units``, ``cell``,
``learning_rate``, ``patience``…), the page's data settings (``variant``, ``text``…),
``preset`` and the app-wide ``projector``, ``teacher`` and ``lang``. Only what differs
from the page's lesson (and preset) is written, so links stay short.

A link is read once, on the first run of the page the session was opened on (a fresh
browser); after that the page writes the URL after every run. What a link asks that
the page cannot take — an unknown key, a value out of range, a wrong type, a huge
string, markup — is ignored and named in one note, shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import streamlit as st

from app import presets, state
from app.i18n import t
from lstm_core import schema

FIRST_PAGE = "url:first_page"  # the page a session was opened on (its URL is read)
LANGUAGES = ("en", "ko")
ASKED_LANGUAGE = "url:lang_asked"  # the ?lang= of the first link, as asked
LONGEST_IN_LINK = 500  # characters of one value written into the URL
SHOWN_CHARS = 40  # an ignored key or value is cut to this many characters in the note
APP_KEYS = ("projector", "teacher", "lang")  # read by the app, on every page


def remember_first_page(url_path: str) -> None:
    """``app/main.py``: the first page of a session is the one whose link was opened."""
    st.session_state.setdefault(FIRST_PAGE, url_path)


def note_key(page: str) -> str:
    return f"url:ignored:{page}"


def teacher() -> bool:
    return bool(st.session_state.get(state.TEACHER, False))


def read_language() -> None:
    """Every run (``app/main.py``): the language comes from the first link, then stays in
    the URL while it is not English."""
    if state.LANGUAGE not in st.session_state:
        asked = st.query_params.get("lang", "en")
        st.session_state[state.LANGUAGE] = asked if asked in LANGUAGES else "en"
        st.session_state[ASKED_LANGUAGE] = asked
    chosen = st.session_state[state.LANGUAGE]
    if chosen != "en":
        st.query_params["lang"] = chosen
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def leave_teacher_mode() -> None:
    st.session_state[state.TEACHER] = False


def restore(
    page: str,
    params: dict[str, schema.Param],
    apply_preset: Callable[[str], None] | None = None,
    key_of: Callable[[str], str] | None = None,
    preset_names: Collection[str] | None = None,
) -> None:
    """Set the page's widgets from the link, once per session, on the page it opened.

    ``apply_preset(key)`` sets a preset's settings; explicit values in the link win over
    the preset's. Settings are set in the order of ``params`` (a page whose widget keys
    depend on an earlier setting, like Compare's task, lists that one first);
    ``key_of(name)`` is a setting's widget key (``state.widget(page, name)`` unless the
    page says otherwise); ``preset_names`` are the presets a link may name (the page's
    lesson presets unless the page has its own). The ignored parts are kept for
    ``show_note``.
    """
    done = f"url:read:{page}"
    if st.session_state.get(FIRST_PAGE) != page or done in st.session_state:
        return
    st.session_state[done] = True
    key_of = key_of or (lambda name: state.widget(page, name))
    query = {key: st.query_params.get(key, "") for key in st.query_params}
    ignored = []
    preset = query.pop("preset", None) if apply_preset is not None else None
    if preset is not None:
        if preset in (presets.of(page) if preset_names is None else preset_names):
            apply_preset(preset)
        else:
            ignored.append(_shown("preset", preset, "no such experiment on this page"))
    if "teacher" in query:
        st.session_state[state.TEACHER] = query["teacher"] == "1"
    for key in query:
        if key not in params and key not in APP_KEYS:
            ignored.append(_shown(key, None, "not a setting of this page"))
    for name, p in params.items():
        if name in query:
            try:
                _set(key_of, name, schema.parse(p, query[name]))
            except ValueError as exc:
                ignored.append(_shown(name, query[name], str(exc)))
    asked = st.session_state.get(ASKED_LANGUAGE, "en")
    if asked not in LANGUAGES:
        ignored.append(_shown("lang", asked, "one of " + ", ".join(LANGUAGES)))
    st.session_state[note_key(page)] = ignored


def show_note(page: str) -> None:
    """One plain-text note naming what the link asked and the page ignored."""
    ignored = st.session_state.get(note_key(page))
    if ignored:
        st.warning(t("link.ignored", items="; ".join(ignored)), icon=":material/link_off:")


def publish(
    page: str,
    params: dict[str, schema.Param],
    defaults: dict[str, Any],
    key_of: Callable[[str], str] | None = None,
) -> None:
    """Write the page's current settings (those unlike ``defaults``) into the URL."""
    key_of = key_of or (lambda name: state.widget(page, name))
    query = {}
    if st.session_state.get(state.PROJECTOR):
        query["projector"] = "1"
    if teacher():
        query["teacher"] = "1"
    if st.session_state.get(state.LANGUAGE, "en") != "en":
        query["lang"] = st.session_state[state.LANGUAGE]
    preset = st.session_state.get(state.widget(page, "preset"))
    if preset and preset != presets.TUTORIAL and page in presets.PRESETS:
        query["preset"] = preset
    for name in params:
        value = current(key_of, name)
        if isinstance(value, str) and len(value) > LONGEST_IN_LINK:
            continue  # an uploaded series does not travel in a link
        if name not in defaults or _text(value) != _text(defaults[name]):
            query[name] = _text(value)
    if {key: st.query_params.get(key) for key in st.query_params} != query:
        st.query_params.from_dict(query)


def current(key_of: Callable[[str], str], name: str) -> Any:
    """A setting's value as the link writes it (``patience`` is None when it is off)."""
    value = lambda n: st.session_state.get(key_of(n))  # noqa: E731
    if name == "patience":
        return value("patience") if value("early_stopping") else None
    return value(name)


def lesson_page(
    page: str,
    params: dict[str, schema.Param],
    key_of: Callable[[str], str] | None = None,
) -> Callable[[dict[str, Any]], None]:
    """A lesson page's settings in the link: read now (before its widgets, noted if some
    are ignored); returns ``publish(defaults)``, called after the widgets."""
    restore(page, params, key_of=key_of)
    show_note(page)
    return lambda defaults: publish(page, params, defaults, key_of)


def app_root() -> str:
    """This server's address as the browser sees it, without a page, e.g. ``http://host:8501``."""
    base = (st.context.url or "").split("?")[0].rstrip("/")
    return base[: base.rfind("/")] if base.count("/") > 2 else base


def link(page: str, preset: str | None = None, as_teacher: bool = False) -> str:
    """The address of a page (with a preset, in teacher mode) on this server."""
    base = app_root()
    query = [f"preset={preset}"] if preset else []
    query += ["teacher=1"] if as_teacher else []
    return f"{base}/{page}" + ("?" + "&".join(query) if query else "")


def _set(key_of: Callable[[str], str], name: str, value: Any) -> None:
    if name == "patience":
        st.session_state[key_of("early_stopping")] = value is not None
        if value is not None:
            st.session_state[key_of("patience")] = value
    else:
        st.session_state[key_of(name)] = value


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


def _shown(key: str, value: str | None, why: str) -> str:
    """``key=value (why)`` cut short and stripped of anything a note could render."""
    cut = lambda s: "".join(c for c in s if c.isalnum() or c in " ._-,:")[:SHOWN_CHARS]  # noqa: E731
    text = cut(key) + ("" if value is None else "=" + cut(value))
    return f"{text} ({why})"
