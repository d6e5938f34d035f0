"""Bad input everywhere: every box a student types in, every upload and every link.

Each row of ``CASES`` is done to a session that has trained a model: the page must answer
with a sentence that says what to change (the row's words), show no traceback, and keep
the trained model, its history and the page's run history. Each row of ``LINKS`` is a
fresh browser opening a hostile link: the page renders, says what it ignored, and keeps
sensible settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app import run_history, state
from tests.app.conftest import open_page, texts, train
from tests.app.test_links import open_link

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"


@dataclass(frozen=True)
class Case:
    page: str
    steps: tuple  # (how, widget name, value): how is "type", "set", "click" or "upload"
    says: str  # words the page's message must contain
    undo: tuple = ()  # steps that put the page back for the next row


def w(page: str, name: str) -> str:
    return state.widget(page, name)


SEQ, HELLO, NEXT = "sequence_classification", "hello", "next_number"
OWN_UPLOAD = (("set", "variant", "own"), ("set", "source", "upload"))
BACK_TO_SMALL = (("set", "source", "type"), ("set", "variant", "small"))

CASES = {
    # what a student types as the model's input
    "seq: a word among the numbers": Case(SEQ, (("type", "input", "6, seven, 8"),),
                                          "'seven' is not a number"),
    "seq: too few numbers": Case(SEQ, (("type", "input", "0, 0, 1"),), "exactly 6 numbers"),
    "seq: too many numbers": Case(SEQ, (("type", "input", ", ".join(["1"] * 400)),),
                                  "exactly 6 numbers"),
    "seq: an infinite number": Case(SEQ, (("type", "input", "1e999, 0, 0, 0, 0, 1"),),
                                    "not a usable number"),
    "seq: only separators": Case(SEQ, (("type", "input", " ,;, "),), "The input is empty"),
    "seq: markup": Case(SEQ, (("type", "input", "<b>1</b>, 2, 3, 4, 5, 6"),),
                        "is not a number"),
    "hello: a character the model never saw": Case(HELLO, (("type", "input", "hez"),),
                                                    "not in this model's vocabulary",
                                                    (("type", "input", "hell"),)),
    "next: letters for a window": Case(NEXT, (("type", "input", "six, 7, 8"),),
                                       "is not a number"),
    "next: a window too short": Case(NEXT, (("type", "input", "7, 8"),), "exactly 3 numbers"),
    # the data a student gives
    "hello: a one-letter text": Case(HELLO, (("set", "text", "a"),), "at least 2 characters",
                                     (("set", "text", "hello"),)),
    "hello: one repeated letter": Case(HELLO, (("set", "text", "aaaa"),),
                                       "two different characters", (("set", "text", "hello"),)),
    # (a text over 80 characters cannot be typed: the box stops at 80)
    "next: a word in the series": Case(NEXT, (("set", "variant", "own"),
                                              ("set", "series", "1, 2, x, 4")),
                                       "'x' is not a number", BACK_TO_SMALL),
    "next: a series shorter than a window": Case(NEXT, (("set", "variant", "own"),
                                                        ("set", "series", "1, 2")),
                                                 "at least 4 numbers", BACK_TO_SMALL),
    "next: an empty series": Case(NEXT, (("set", "variant", "own"), ("set", "series", "")),
                                  "There is no series yet", BACK_TO_SMALL),
    "next: a series too long": Case(NEXT, (("set", "variant", "own"),
                                           ("set", "series", ", ".join(["1"] * 1001))),
                                    "the limit is 1,000", BACK_TO_SMALL),
    "next: a window longer than the series": Case(NEXT, (("set", "variant", "own"),
                                                         ("set", "series", "1, 2, 3, 4, 5"),
                                                         ("set", "window", 9)),
                                                  "at least 10 numbers",
                                                  (("set", "window", 3), *BACK_TO_SMALL)),
    # uploads
    "next: a picture instead of a CSV": Case(NEXT, (*OWN_UPLOAD,
                                                    ("upload", "csv_file", ("a.csv", PNG))),
                                             "PNG image", BACK_TO_SMALL),
    "next: an empty file": Case(NEXT, (*OWN_UPLOAD, ("upload", "csv_file", ("a.csv", b""))),
                                "empty", BACK_TO_SMALL),
    "next: a CSV without numbers": Case(NEXT, (*OWN_UPLOAD, ("upload", "csv_file",
                                                             ("a.csv", b"name,city\nA,B\nC,D\n"))),
                                        "number", BACK_TO_SMALL),
    "next: text that is not UTF-8": Case(NEXT, (*OWN_UPLOAD, ("upload", "csv_file",
                                                              ("a.csv", b"v\n\xff\xfe\x00\x81"))),
                                         "UTF-8", BACK_TO_SMALL),
    "seq: weights that are not an npz file": Case(SEQ, (("upload", "import_file",
                                                         ("m.npz", b"not a zip")),),
                                                  "npz", (("upload", "import_file", None),)),
    "hello: weights of another page": Case(HELLO, (("upload", "import_file",
                                                    ("m.npz", b"PK\x05\x06" + b"\x00" * 18)),),
                                           "Export the weights again",
                                           (("upload", "import_file", None),)),
    # settings that are fine alone and not together
    "hello: a validation split of its one sample": Case(
        HELLO, (("set", "validation_split", 0.2), ("click", "train", None)),
        "validation split", (("set", "validation_split", 0.0),)),
}  # fmt: skip


def _do(at, page: str, steps: tuple) -> None:
    for how, name, value in steps:
        if how == "type":
            at.text_input(key=w(page, name)).input(value).run()
        elif how == "set":
            at.get_by_key(w(page, name)).set_value(value).run()
        elif how == "click":
            at.button(key=state.button(page, name)).click().run()
        else:
            upload = None if value is None else (*value, "x")  # (name, bytes, type) or none
            at.file_uploader(key=state.button(page, name)).set_value(upload).run()
        assert not at.exception, (name, at.exception)


@pytest.fixture(scope="module")
def trained():
    sessions = {}

    def session(page: str):
        if page not in sessions:
            sessions[page] = train(open_page(page), page, units=4, epochs=3)
        return sessions[page]

    return session


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gets_a_sentence_and_keeps_the_model(name, trained):
    case = CASES[name]
    at = trained(case.page)
    run = at.session_state[state.run_key(case.page)]
    model, losses = run.model, list(run.history["loss"])
    recorded = len(at.session_state[run_history.runs_key(case.page)])
    try:
        _do(at, case.page, case.steps)
        said = texts(at.error) + texts(at.warning)
        assert any(case.says.lower() in s.lower() for s in said), (name, said)
        assert not any("Traceback" in s for s in said)
        now = at.session_state[state.run_key(case.page)]
        assert now.model is model and now.history["loss"] == losses
        assert len(at.session_state[run_history.runs_key(case.page)]) == recorded
    finally:
        _do(at, case.page, case.undo)


LINKS = {
    "seq: every setting wrong": (SEQ, {"units": "abc", "layers": "99", "cell": "rnn9",
                                       "learning_rate": "nan", "epochs": "-3"}),
    "seq: an unknown preset": (SEQ, {"preset": "everything"}),
    "seq: an unknown language": (SEQ, {"lang": "xx"}),
    "next: a window of 0 and a huge series": (NEXT, {"window": "0", "series": "9" * 5000}),
    "hello: markup as the text": (HELLO, {"text": "<script>alert(1)</script>" * 10}),
    "compare: 500 seeds of nothing": ("compare", {"seeds": "500", "what": "everything"}),
    "long memory: lengths that are not numbers": ("long_memory", {"lengths": "a,b,-1"}),
    "inside: a model that does not exist": ("inside", {"model": "gpt"}),
    "scratch: a loop of a million steps": ("scratch", {"timesteps": "1000000", "t": "-1"}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(LINKS))
def test_a_hostile_link_is_ignored_and_said(name):
    page, query = LINKS[name]
    at = open_link(page, **query)
    notes = " ".join(texts(at.warning) + texts(at.error))
    assert notes, f"{name}: nothing said about the link"
    assert "Traceback" not in notes and "<script>" not in notes
    assert at.title or at.header or at.markdown, "the page still renders"


def test_the_table_is_as_large_as_the_issue_asks():
    assert len(CASES) + len(LINKS) >= 30
