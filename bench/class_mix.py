"""The realistic class for ``bench/classroom.py --variants mix``: tweaks, submissions, a board.

A teacher (made in this process: ``Store(url).new_student()``, ``create_class(...,
preset="tutorial")``) has started a class before anyone comes, and the class board is
on the projector: a light client with the teacher's cookies (their student token and the
class's code, as the teacher's browser keeps them) opens ``/board`` and follows its
``run_every`` fragment. Each student opens ``/?join=CODE``: the server joins them and
switches to the class's page (seed 000, "Sequence classification"). Then, all starting
within ``--jitter`` seconds, each student makes three changes of one setting each — units,
cell and layers in an order and to values of their own, on a seed of their own, so the
class trains different architectures and the workers compile — pausing 1–3 s after each
change (reading the page) before pressing ▶ Train and waiting for the result. Every third
student then types a nickname, presses "Submit this run to the class board" and waits for
"On the class board ✓".

Board update: a submission's click → the projector's first board redraw that counts it:
its nickname is in the board's table and the chart title ("The class's runs · K runs")
counts as many runs as the table lists (checked on every redraw).

What the store adds: the same class once more on a fresh server, quietly (the same joins,
seeds and tweaks; nobody submits, no projector); and the store's own calls timed here on
the class's SQLite file (``find_class``, which every full run and every banner tick of a
student in a class makes; ``list_board`` of the K entries, which every board redraw makes;
``submit``), multiplied by how often the clients saw those script runs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, field

import pyarrow as pa

from bench.st_client import PAGE, RUNS_COLUMN, SEED, TRAIN, Outcome, Screen, Student
from bench.st_server import Server, Usage, rss_mb, settle

SUBMIT = f"b:{PAGE}:submit"  # the submit button's widget key
SUBMITTED = "On the class board ✓"  # its label once the run is on the board
NICKNAME = "Nickname on the board (optional)"
BOARD = "board"  # the board page's URL path
BOARD_TITLE = re.compile(r"· (\d+) runs?$")  # "The class's runs · 3 runs"
STUDENT_COOKIE, CLASS_COOKIE = "lstm_explorer_student", "lstm_explorer_class"
SUBMIT_EVERY = 3  # students 0, 3, 6, … submit their last run
LABELS = {"units": "Units", "cell": "Cell", "layers": "Layers"}
START = {"units": 128, "cell": "LSTM", "layers": 1}  # the tutorial preset of seed 000
CHOICES = {"units": (64, 32, 16, 8), "cell": ("GRU", "SimpleRNN", "LSTM"), "layers": (2, 1)}
ORDERS = list(itertools.permutations(LABELS))  # the six orders of the three changes
SEED_BASE = 1000  # student i trains with seed SEED_BASE + i
OPENING_AT_ONCE = 8


def tweak_plan(student: int) -> list[tuple[str, object]]:
    """Three changes of one setting each, in this student's order, to values of their own."""
    rng, now, plan = random.Random(student), dict(START), []
    for name in ORDERS[student % len(ORDERS)]:
        value = rng.choice([v for v in CHOICES[name] if v != now[name]])
        now[name] = value
        plan.append((name, value))
    return plan


@dataclass
class Pupil:
    """One student of the mix: their client, their Trains and their submission."""

    client: Student
    plan: list[tuple[str, object]]
    submits: bool
    trains: list[Outcome] = field(default_factory=list)
    failure: str | None = None  # before any Train: the join, a setting, the submit
    submit_clicked: float | None = None
    submit_confirmed: float | None = None  # the label read "On the class board ✓"

    @property
    def nickname(self) -> str:
        return f"s{self.client.outcome.student:02d}"


class Projector:
    """The teacher's board page, redrawn on its fragment's timer; notes each redraw."""

    def __init__(self, server: Server, teacher: str, code: str):
        cookies = {STUDENT_COOKIE: teacher, CLASS_COOKIE: code}
        self.client = Student(server.ws_url, -2, 0, cookies=cookies)
        self.client.on_element = self._element
        self.count: int | None = None  # the title's K of the redraw being read
        self.first_seen: dict[str, float] = {}  # nickname -> first redraw listing it
        self.redraws = 0
        self.mismatches: list[str] = []  # title K against the table's rows
        self.losses: dict[str, float] = {}  # nickname -> final loss on the board

    async def open(self) -> None:
        await self.client.open(page=BOARD)
        if not await self.client.wait_until(lambda _: self.count is not None, 60):
            raise RuntimeError("the board page drew no chart: the teacher's cookies did not join")

    async def wait_counted(self, pupils: list[Pupil], timeout: float = 60) -> None:
        """Until a redraw has counted every confirmed submission (the last ones may still
        wait for the board's timer when the last student is done)."""
        confirmed = sum(p.submit_confirmed is not None for p in pupils)
        await self.client.wait_until(lambda _: len(self.first_seen) >= confirmed, timeout)

    def _element(self, screen: Screen, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            title = json.loads(element.plotly_chart.spec)["layout"].get("title", {})
            found = BOARD_TITLE.search(title.get("text", ""))
            if found:
                self.count, self.redraws = int(found[1]), self.redraws + 1
        elif kind == "dataframe" and self.count is not None:
            table = pa.ipc.open_stream(element.dataframe.arrow_data.data).read_all()
            if "nickname" not in table.column_names:
                return
            rows = [r for r in table.to_pylist() if not r.get("hidden")]
            if len(rows) != self.count:
                self.mismatches.append(f"title counts {self.count}, table lists {len(rows)}")
            now = time.monotonic()
            for row in rows:
                self.first_seen.setdefault(row["nickname"], now)
                self.losses[row["nickname"]] = row[RUNS_COLUMN]


# -- one student, one class ---------------------------------------------------------------


async def join(pupil: Pupil, code: str, timeout: float) -> None:
    """Open the class's link, land on its page, set this student's seed."""
    client = pupil.client
    try:
        await client.open(page="", query=f"join={code}")
        if not await client.wait_until(lambda screen: TRAIN in screen.widgets, timeout):
            raise RuntimeError(f"?join={code} did not land on a page with {TRAIN}")
        await client.set_number(SEED, client.outcome.seed)
    except Exception as exc:  # noqa: BLE001 - counted as this student's failure
        pupil.failure = f"joining: {type(exc).__name__} {exc}"[:200]


async def change(client: Student, name: str, value) -> None:
    if name == "units":
        await client.set_number(LABELS[name], value)
    elif name == "cell":
        await client.set_choice(LABELS[name], value)
    else:
        await client.set_slider(LABELS[name], float(value))


async def tweak_and_train(pupil: Pupil, start: float, timeout: float) -> None:
    """This student's three changes, a Train after each; then the submission."""
    client = pupil.client
    rng = random.Random(-1 - client.outcome.student)
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    try:
        for k, (name, value) in enumerate(pupil.plan):
            if k:
                client.next_train()
            await change(client, name, value)
            await asyncio.sleep(rng.uniform(1.0, 3.0))  # reads the page, reaches for Train
            await client.press(TRAIN)
            pupil.trains.append(await client.wait_result(timeout))
            if client.outcome.failure:
                return
        if pupil.submits:
            await client.set_choice(NICKNAME, pupil.nickname)
            pupil.submit_clicked = await client.click(SUBMIT)
            if await client.wait_until(lambda screen: SUBMITTED in screen.widgets, timeout):
                pupil.submit_confirmed = time.monotonic()
            else:
                pupil.failure = f"the submit button never read {SUBMITTED!r}"
    except Exception as exc:  # noqa: BLE001
        pupil.failure = f"{type(exc).__name__}: {exc}"[:200]


def run_mix(server: Server, n: int, board: bool, args, warm_up) -> tuple[dict, dict]:
    """A class of ``n`` on ``server``; ``board``: a third submit and the projector watches.
    Returns (what happened, server usage)."""
    from lstm_core.store import Store

    store = Store(server.db_url)
    teacher = store.new_student()
    code = store.create_class(teacher, PAGE, preset="tutorial").code
    asyncio.run(warm_up(server, args.timeout))
    usage: dict = {}

    async def measured() -> dict:
        pupils = [Pupil(Student(server.ws_url, i, SEED_BASE + i), tweak_plan(i),
                        board and i % SUBMIT_EVERY == 0) for i in range(n)]  # fmt: skip
        projector = Projector(server, teacher, code) if board else None
        try:
            if projector is not None:
                await projector.open()
            gate = asyncio.Semaphore(OPENING_AT_ONCE)

            async def gated_join(pupil: Pupil) -> None:
                async with gate:
                    await join(pupil, code, args.timeout)

            await asyncio.gather(*(gated_join(p) for p in pupils))
            usage["settle_s"] = await asyncio.to_thread(settle, server.proc.pid)
            rng, start = random.Random(n), time.monotonic() + 0.5
            with Usage(server.proc.pid) as sampled:
                tic = time.monotonic()
                await asyncio.gather(*(tweak_and_train(p, start + rng.uniform(0, args.jitter),
                                                       args.timeout)
                                       for p in pupils if p.failure is None))  # fmt: skip
                usage["wall_s"] = time.monotonic() - tic
            usage["cpu_s"], usage["peak_mb"] = sampled.cpu, sampled.peak_mb
            usage["server_hwm_mb"] = rss_mb(server.proc.pid, "VmHWM")
            if projector is not None:
                await projector.wait_counted(pupils)
            return {"pupils": pupils, "projector": projector,
                    "script_runs": script_runs(pupils, projector)}  # fmt: skip
        finally:
            clients = [p.client for p in pupils] + ([projector.client] if projector else [])
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    happened = asyncio.run(measured())
    happened["store_ms"] = time_store(store, teacher, code)
    store.close()
    return happened, usage


def script_runs(pupils: list[Pupil], projector: Projector | None) -> dict[str, int]:
    """Script runs the clients saw in all (full runs and fragment reruns)."""
    clients = [p.client for p in pupils] + ([projector.client] if projector else [])
    return {kind: sum(c.runs_seen.get(kind, 0) for c in clients) for kind in ("full", "fragment")}


def time_store(store, teacher: str, code: str, repeat: int = 30) -> dict[str, float]:
    """Median milliseconds of the store calls a class makes, on the class's own database
    (the server idle): the submits go to a scratch class, not on this board."""
    scratch = store.create_class(teacher, PAGE, preset="tutorial").code
    summary = {"page": PAGE, "cell": "lstm", "units": 32, "layers": 1, "loss": 0.1,
               "settings": "LSTM · 32 units · 1 layer · 200 epochs · lr 0.001"}  # fmt: skip

    def median_ms(call) -> float:
        times = []
        for _ in range(repeat):
            tic = time.perf_counter()
            call()
            times.append(time.perf_counter() - tic)
        return 1000 * statistics.median(times)

    return {
        "find_class": median_ms(lambda: store.find_class(code)),
        "list_board": median_ms(lambda: store.list_board(code, include_hidden=True)),
        "submit": median_ms(lambda: store.submit(scratch, teacher, "bench", summary)),
    }


# -- what it showed -----------------------------------------------------------------------


def quantiles(values: list[float], prefix: str) -> dict:
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {f"{prefix}_n": len(ordered),
            f"{prefix}_p50_s": statistics.median(ordered) if ordered else None,
            f"{prefix}_p95_s": at(0.95) if ordered else None,
            f"{prefix}_max_s": ordered[-1] if ordered else None}  # fmt: skip


def cross_talk(pupil: Pupil, projector: Projector | None) -> str | None:
    """Why this student's page or their board entry shows a run not their own (None: fine):
    their "Your runs" must list exactly their Trains, the board their last run's loss."""
    last = pupil.trains[-1].runs if pupil.trains else None
    if last is None:
        return None
    if len(last) != len(pupil.trains):
        return f"{len(last)} runs in the table after {len(pupil.trains)} Trains"
    if projector is None or pupil.nickname not in projector.losses:
        return None
    own = max(last, key=lambda row: row["run"])[RUNS_COLUMN]
    shown = projector.losses[pupil.nickname]
    if shown is None or abs(shown - own) > 1e-6 * max(abs(own), 1e-6):
        return f"board shows final loss {shown}, their last run ended at {own:.6g}"
    return None


def summarize(variant: str, n: int, happened: dict, usage: dict) -> dict:
    pupils, projector = happened["pupils"], happened["projector"]
    trains = [o for p in pupils for o in p.trains]
    times = [o.seconds for o in trains if o.failure is None and o.seconds is not None]
    failures = [(p.client.outcome.student, p.failure) for p in pupils if p.failure]
    failures += [(o.student, o.failure) for o in trains if o.failure]
    missing = sum(len(p.plan) for p in pupils) - len(trains)  # never pressed: an earlier failure
    talk = [(p.client.outcome.student, why) for p in pupils if (why := cross_talk(p, projector))]
    board = []
    if projector is not None:
        for p in pupils:
            seen = projector.first_seen.get(p.nickname)
            if p.submit_clicked is not None and seen is not None:
                board.append(seen - p.submit_clicked)
            elif p.submit_confirmed is not None:
                failures.append((p.client.outcome.student, "submitted, never on the projector"))
        talk += [(-2, why) for why in projector.mismatches[:3]]
    return {
        "variant": variant, "students": n, "trains": len(trains), "not_pressed": missing,
        "failures": len(failures), "failure_examples": failures[:5],
        **quantiles(times, "train"),
        "submitted": sum(p.submit_confirmed is not None for p in pupils),
        **quantiles(board, "board"),
        "board_redraws": projector.redraws if projector else 0,
        "cross_talk": len(talk), "cross_talk_examples": talk[:5],
        "script_runs": happened["script_runs"], "store_ms": happened["store_ms"],
        **{key: round(value, 2) for key, value in usage.items()},
        "each": [{"student": p.client.outcome.student, "plan": p.plan, "failure": p.failure,
                  "trains": [o.brief() for o in p.trains],
                  "submit_s": None if p.submit_clicked is None or p.submit_confirmed is None
                  else p.submit_confirmed - p.submit_clicked} for p in pupils],
    }  # fmt: skip


def fmt(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


HEADER = (
    f"{'variant':<10}{'N':>4}{'trains':>7}{'fail':>5}{'p50 s':>7}{'p95 s':>7}{'max s':>7}"
    f"{'subm':>5}{'brd p50':>8}{'brd p95':>8}{'brd max':>8}{'cpu s':>8}{'peak MB':>8}"
    f"{'wall s':>7}{'xtalk':>6}"
)

LEGEND = """mix: p50/p95/max over every Train (click -> result drawn); subm: submissions confirmed
("On the class board ✓"); brd: submit click -> the projector's first board redraw counting
it; cpu s, peak MB: server + workers over the whole tweaking; xtalk: a student's table with
another run count, a board entry not their last run, or a title count not the table's"""


def row_text(row: dict) -> str:
    return (f"{row['variant']:<10}{row['students']:>4}{row['trains']:>7}{row['failures']:>5}"
            f"{fmt(row['train_p50_s']):>7}{fmt(row['train_p95_s']):>7}{fmt(row['train_max_s']):>7}"
            f"{row['submitted']:>5}{fmt(row['board_p50_s']):>8}{fmt(row['board_p95_s']):>8}"
            f"{fmt(row['board_max_s']):>8}{fmt(row.get('cpu_s')):>8}{fmt(row.get('peak_mb'), 0):>8}"
            f"{fmt(row.get('wall_s')):>7}{row['cross_talk']:>6}")  # fmt: skip


def store_lines(rows: list[dict]) -> list[str]:
    """What the store adds: the class with the board against the quiet one, and the store's
    own calls times how often the clients made them."""
    lines = []
    for row in rows:
        ms, runs = row["store_ms"], row["script_runs"]
        # every script run of a class member asks find_class (sidebar, banner); each board
        # redraw lists the board; each submission writes once
        estimate = (runs["full"] + runs["fragment"]) * ms["find_class"]
        estimate += row["board_redraws"] * ms["list_board"] + row["submitted"] * ms["submit"]
        cpu = fmt(row.get("cpu_s"))
        lines.append(f"{row['variant']} N={row['students']}: store calls (SQLite, timed here) "
                     f"find_class {ms['find_class']:.1f} ms, list_board {ms['list_board']:.1f} ms, "
                     f"submit {ms['submit']:.1f} ms; {runs['full']} full + {runs['fragment']} "
                     f"fragment runs, {row['board_redraws']} board redraws: ≤ "
                     f"{estimate / 1000:.1f} s of store time in {cpu} server CPU s")  # fmt: skip
    both = {(r["variant"], r["students"]): r for r in rows}
    for n in sorted({r["students"] for r in rows}):
        mix, quiet = both.get(("mix", n)), both.get(("mix-quiet", n))
        if mix and quiet and mix["train_p50_s"] and quiet["train_p50_s"]:
            lines.append(
                f"N={n}: with the board (submits + projector) against without: Train p50 "
                f"{mix['train_p50_s']:.1f} vs {quiet['train_p50_s']:.1f} s, p95 "
                f"{fmt(mix['train_p95_s'])} vs {fmt(quiet['train_p95_s'])} s, server CPU "
                f"{fmt(mix.get('cpu_s'))} vs {fmt(quiet.get('cpu_s'))} s (one run each on a "
                "shared 2-core machine: differences of ~20% are within its noise)"
            )
    return lines
