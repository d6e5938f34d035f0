"""A light Streamlit client: one browser tab's worth of the websocket protocol, no browser.

``Student`` opens a page of a running server (``/_stcore/stream``, the ``streamlit.proto``
messages), reads the ForwardMsgs (``new_session``, ``navigation``, deltas,
``script_finished``), finds widgets by their labels (or keys) in the deltas, sets their
values and presses buttons as BackMsg ``rerun_script`` widget states, and follows the
``auto_rerun`` timers of ``run_every`` fragments as the browser's timer does. What a
script run drew, as far as a bench reads it, is a ``Screen``; one Train click as the
page showed it is an ``Outcome``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import DoubleArray
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

PAGE = "sequence_classification"  # the seed-000 lesson's URL path
TRAIN, STOP, SEED = "▶ Train", "■ Stop", "Seed"  # labels as the page shows them (English)
TRAINED = "Trained "  # the success sentence: "Trained 200 epochs in 0.3 s."
QUEUED = "Queued"  # the progress bar while the job waits for a worker
OUT_OF_DATE = "**Out of date**"  # the status after a setting changed, until Train
RUNS_COLUMN = "final loss"  # the "Your runs" table's column
ERROR, WARNING = 1, 2  # streamlit.proto.Alert.Format
RERUN_KINDS = {0: "full", 3: "fragment", 2: "interrupted"}  # ForwardMsg.ScriptFinishedStatus


@dataclass
class Screen:
    """What one script run drew, as far as the bench reads it."""

    fragment: bool = False
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    alerts: list[tuple[int, str]] = field(default_factory=list)  # (Alert.Format, body)
    progress: list[str] = field(default_factory=list)
    stop_button: bool = False
    exceptions: list[str] = field(default_factory=list)
    loss_title: str | None = None  # "loss 0.1617", the Training chart's left panel
    runs: list[dict] | None = None  # rows of "Your runs"

    @property
    def trained(self) -> str | None:
        return next((body for _, body in self.alerts if body.startswith(TRAINED)), None)

    @property
    def errors(self) -> list[str]:
        shown = [body for kind, body in self.alerts if kind in (ERROR, WARNING)]
        return shown + self.exceptions

    def widget(self, name: str) -> str:
        """The id of the widget labelled ``name``, or else of the widget keyed ``name``
        (a keyed widget's id ends in ``-<key>``)."""
        if name in self.widgets:
            return self.widgets[name]
        found = [wid for wid in self.widgets.values() if wid.endswith("-" + name)]
        if not found:
            raise KeyError(f"no widget labelled or keyed {name!r} on the page")
        return found[0]


@dataclass
class Outcome:
    """One student's Train click as their page showed it."""

    student: int
    seed: int
    pressed: float | None = None  # monotonic
    live: float | None = None  # the page shows the job (its ■ Stop button)
    started: float | None = None  # first progress text past "Queued" / "Preparing"
    shown: float | None = None  # the result drawn (the "Your runs" table arrived)
    status: str | None = None
    loss_title: str | None = None
    runs: list[dict] | None = None
    failure: str | None = None  # timeout | error text | exception
    # script runs between the click and the result: full, fragment, interrupted by a rerun
    reruns: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RERUN_KINDS.values(), 0))

    @property
    def seconds(self) -> float | None:
        return None if self.shown is None or self.pressed is None else self.shown - self.pressed

    @property
    def start_seconds(self) -> float | None:
        return None if self.started is None or self.pressed is None else self.started - self.pressed

    @property
    def live_seconds(self) -> float | None:
        return None if self.live is None or self.pressed is None else self.live - self.pressed

    def brief(self) -> dict:
        newest = max(self.runs, key=lambda row: row.get("run", 0)) if self.runs else None
        loss = newest[RUNS_COLUMN] if newest else None  # the run of this click
        return {"student": self.student, "seed": self.seed, "seconds": self.seconds,
                "live_s": self.live_seconds, "start_s": self.start_seconds,
                "status": self.status, "loss_title": self.loss_title, "final_loss": loss,
                "failure": self.failure, "reruns": self.reruns}  # fmt: skip


def element_screen_update(screen: Screen, element) -> None:
    """Note what an element means for the bench (widgets, sentences, tables, charts)."""
    kind = element.WhichOneof("type")
    body = getattr(element, kind)
    if hasattr(body, "label") and hasattr(body, "id") and body.id:
        screen.widgets[body.label] = body.id
    if kind == "button" and body.label == STOP:
        screen.stop_button = True
    elif kind == "alert":
        screen.alerts.append((body.format, body.body))
    elif kind == "exception":
        screen.exceptions.append(f"{body.type}: {body.message}"[:200])
    elif kind == "progress":
        screen.progress.append(body.text)
    elif kind == "dataframe" and not screen.fragment:
        table = pa.ipc.open_stream(body.arrow_data.data).read_all()
        if RUNS_COLUMN in table.column_names:
            screen.runs = table.to_pylist()
    elif kind == "plotly_chart" and not screen.fragment and screen.trained:
        screen.loss_title = screen.loss_title or training_loss_title(body.spec)


def training_loss_title(spec: str) -> str | None:
    """The "loss …" panel title of the finished Training chart in a Plotly figure's JSON
    (not a frame of its replay: "Training · epoch 12 of 200")."""
    figure = json.loads(spec)
    title = (figure.get("layout", {}).get("title") or {}).get("text", "")
    done = re.fullmatch(r"Training · epoch (\d+) of (\d+)", title)
    if done is None or done[1] != done[2]:
        return None
    for note in figure["layout"].get("annotations", []):
        if str(note.get("text", "")).startswith("loss "):
            return note["text"]
    return None


class Student:
    """One browser tab's worth of Streamlit protocol: open, set widgets, press, read."""

    def __init__(self, ws_url: str, number: int, seed: int, cookies: dict[str, str] | None = None):
        self.ws_url, self.outcome = ws_url, Outcome(number, seed)
        self.cookies = cookies or {}  # sent with the websocket's handshake, as a browser does
        self.rows_expected = 1  # rows of "Your runs" once this Train's result is drawn
        self.on_element: Callable[[Screen, object], None] | None = None  # sees every element
        self.ws: ClientConnection | None = None
        self.page_hash = self.query = ""
        self.kept: dict[str, WidgetState] = {}  # widget values this student set
        self.screen, self.last_full = Screen(), Screen()
        self.full_runs = 0
        self.runs_seen = {"full": 0, "fragment": 0}  # every script run this tab saw end
        self.changed = asyncio.Condition()
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}
        self.reader: asyncio.Task | None = None
        self.closed: str | None = None

    # what a student does

    async def open(self, page: str = PAGE, query: str = "") -> None:
        """Open ``/<page>?<query>`` (``page`` "" is the app's root) and wait for its first run."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie} if cookie else None
        # no keep-alive pings: a browser sends none, and a busy server answers late
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                ping_interval=None, open_timeout=60,
                                additional_headers=headers)  # fmt: skip
        self.reader = asyncio.create_task(self._read())
        self.query = query
        await self._rerun_and_wait(page_name=page)

    async def set_number(self, label: str, value: int) -> None:
        await self.set_widget(label, int_value=value)

    async def set_choice(self, label: str, shown: str) -> None:
        """A selectbox or text input: the option as the page shows it, or the text typed."""
        await self.set_widget(label, string_value=shown)

    async def set_slider(self, label: str, value: float) -> None:
        await self.set_widget(label, double_array_value=DoubleArray(data=[value]))

    async def set_widget(self, label: str, **value) -> None:
        widget = self.last_full.widget(label)
        self.kept[widget] = WidgetState(id=widget, **value)
        await self._rerun_and_wait()

    async def press(self, label: str) -> None:
        """Train (or any button whose result is followed as this student's ``outcome``)."""
        self.outcome.pressed = time.monotonic()
        trigger = WidgetState(id=self.last_full.widget(label), trigger_value=True)
        await self._rerun(extra=[trigger])

    async def click(self, label: str) -> float:
        """Press a button (by label or key) and wait for the full run it starts; returns
        the monotonic time of the click."""
        clicked = time.monotonic()
        trigger = WidgetState(id=self.last_full.widget(label), trigger_value=True)
        await self._rerun_and_wait(extra=[trigger])
        return clicked

    def next_train(self) -> Outcome:
        """Another Train on the same page: a fresh ``outcome``, one more row expected in
        "Your runs" (the rows of the runs before are drawn while this one trains)."""
        done, self.outcome = self.outcome, Outcome(self.outcome.student, self.outcome.seed)
        self.rows_expected += 1
        return done

    async def wait_until(self, shown: Callable[[Screen], bool], timeout: float) -> bool:
        """Wait until a full run's screen satisfies ``shown`` (False: timeout or dropped)."""
        try:
            async with self.changed:
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: shown(self.last_full) or self.closed), timeout
                )
        except TimeoutError:
            return False
        return not self.closed

    async def wait_result(self, timeout: float) -> Outcome:
        try:
            async with self.changed:
                await asyncio.wait_for(self.changed.wait_for(self._settled), timeout)
        except TimeoutError:
            self.outcome.failure = self.outcome.failure or "timeout"
        return self.outcome

    async def close(self) -> None:
        for _, task in self.timers.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()

    # the protocol

    def _settled(self) -> bool:
        return self.outcome.shown is not None or self.outcome.failure is not None

    async def _rerun(self, extra=(), fragment: str = "", auto: bool = False, page_name=""):
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string, rerun.page_script_hash = self.query, self.page_hash
        rerun.page_name, rerun.fragment_id, rerun.is_auto_rerun = page_name, fragment, auto
        rerun.widget_states.widgets.extend([*self.kept.values(), *extra])
        await self.ws.send(msg.SerializeToString())

    async def _rerun_and_wait(self, timeout: float = 300, **rerun) -> None:
        before = self.full_runs
        await self._rerun(**rerun)
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: self.full_runs > before or self.closed), timeout
            )
        if self.closed:
            raise ConnectionError(self.closed)

    async def _tick(self, fragment: str, interval: float) -> None:
        """The browser's ``run_every`` timer: rerun the fragment every ``interval`` s."""
        while True:
            await asyncio.sleep(interval)
            await self._rerun(fragment=fragment, auto=True)

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                await self._handle(msg)
        except Exception as exc:  # noqa: BLE001 - a dropped connection is a failure, not a crash
            self.closed = f"{type(exc).__name__}: {exc}"[:200]
        else:
            self.closed = "the server closed the connection"
        async with self.changed:
            if not self._settled():
                self.outcome.failure = f"exception ({self.closed})"
            self.changed.notify_all()

    async def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            fragment = bool(msg.metadata.run.fragment_ids)
            if not fragment:  # a full run: the browser drops its fragment timers
                for _, task in self.timers.values():
                    task.cancel()
                self.timers.clear()
            self.screen = Screen(fragment=fragment)
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                if fragment in self.timers:
                    self.timers.pop(fragment)[1].cancel()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element_screen_update(self.screen, msg.delta.new_element)
            if self.on_element is not None:
                self.on_element(self.screen, msg.delta.new_element)
            if self._note_progress():
                async with self.changed:
                    self.changed.notify_all()
        elif kind == "script_finished":
            if self.outcome.pressed is not None and not self._settled():
                finished = RERUN_KINDS.get(msg.script_finished)
                if finished is not None:
                    self.outcome.reruns[finished] += 1
            self.runs_seen["fragment" if self.screen.fragment else "full"] += 1
            # a run interrupted by a rerun drew part of the page: the one after it draws all
            interrupted = RERUN_KINDS.get(msg.script_finished) == "interrupted"
            async with self.changed:
                if not self.screen.fragment and not interrupted:
                    self.last_full, self.full_runs = self.screen, self.full_runs + 1
                self.changed.notify_all()

    def _start_timer(self, fragment: str, interval: float) -> None:
        known = self.timers.get(fragment)
        if known is not None and known[0] == interval:
            return  # the same timer again: its countdown goes on
        if known is not None:
            known[1].cancel()
        self.timers[fragment] = (interval, asyncio.create_task(self._tick(fragment, interval)))

    def _note_progress(self) -> bool:
        """After Train: when training was first seen, errors, and the result once drawn.
        True when the student's outcome is settled by this element."""
        out, screen = self.outcome, self.screen
        if out.pressed is None or self._settled():
            return False
        if out.live is None and screen.stop_button:
            out.live = time.monotonic()
        if out.started is None and screen.progress and not screen.progress[-1].startswith(QUEUED):
            out.started = time.monotonic()  # a worker took the job (compiling or training)
        # "Out of date" is the page between a change and the Train run that follows it (a
        # run already queued before the click may draw it): not an error of the click
        errors = [text for text in screen.errors if not text.startswith(OUT_OF_DATE)]
        if errors:
            out.failure = "error text: " + errors[0][:160]
        elif (screen.runs or []) and len(screen.runs) >= self.rows_expected and not screen.fragment:
            out.shown, out.runs, out.status = time.monotonic(), screen.runs, screen.trained
            out.loss_title = screen.loss_title
            out.started = out.started or out.shown  # trained before any tick saw it
            if screen.trained is None or screen.stop_button:
                out.failure = f"wrong page: status {screen.trained!r}, Stop {screen.stop_button}"
        return self._settled()
