"""A whole class at once: N students press Train on one real server within ~3 s.

What it measures: the seed-000 lesson page ("Sequence classification") served by one
``streamlit run app/main.py`` (started here on a free loopback port, headless), loaded
by N simulated students at once. Per variant and N it prints the time from a student's
Train click to the trained result on their page (p50 / p95 / max), the failures
(timeouts, error text or tracebacks on the page, dropped connections), when training
was seen to start (the queue wait, as the page's progress bar tells it), the CPU
seconds and the peak RSS of the server and its training workers, and cross-talk: a
student whose page shows a run that is not their own.

How: each student is a light client that speaks Streamlit's own websocket protocol
(``/_stcore/stream``, the ``streamlit.proto`` messages), not a browser, so the figure
is the server's. A client opens the page (a ``rerun_script`` BackMsg naming the page),
reads the ForwardMsgs (``new_session``, ``navigation``, deltas, ``script_finished``),
finds the widgets by their labels in the deltas, sets its seed (an ``int_value``
widget state) and presses ▶ Train (the button's ``trigger_value``). While the job
trains, the page's live panel is a ``run_every`` fragment: the server sends
``auto_rerun`` and the client sends the fragment's reruns at that interval, as the
browser's timer does. The result counts as shown when a full run draws the
"Trained … epochs" sentence, no ■ Stop button, and the "Your runs" table with its
final loss. ``--check`` compares the client once with a real Chromium page.

Variants: ``same`` — every student the teacher's settings (the lesson preset as is),
so the server trains one job that all attach to; it is run a second time on a server
with ``LSTM_EXPLORER_SHARE_RUNS=off`` and the ratio is what sharing identical runs
saves. ``seeds`` — student i trains with seed i (N different jobs). Every
configuration gets a fresh server: a teacher's session trains once first (imports
TensorFlow in the server, compiles the loop), the students open the page, the server
settles, then all press Train within ``--jitter`` seconds.

``mix`` — the realistic class (``bench/class_mix.py``): a class started in the run store
beforehand, each student joining by its link (``/?join=CODE``), then making three changes
of their own (units, cell, layers; each on their own seed, so the workers compile) with a
Train after each, every third student submitting their last run to the class board, and
the board open on the projector (a client with the teacher's cookies following the board
page's fragment). It prints p50/p95/max over every Train (click → result) and of a board
update (submit click → the projector's first redraw counting it), and runs the same class
again quietly (nobody submits, no projector: ``--no-quiet`` skips it) with the store's own
calls timed, for what the store adds.

Every server gets a fresh run store (``bench/st_server.py``: a SQLite file in a temporary
folder, as ``LSTM_EXPLORER_DB``). The protocol client is ``bench/st_client.py``.

Cross-talk (same, seeds): every student pressed Train once, so their "Your runs" table must hold
exactly one row, and its final loss must be the one their own seed trains to
(computed here beforehand with ``lstm_core.jobs.JobPool``, the workers' own path).

Usage:
    python bench/classroom.py                      # N = 10, 30, 60; same and seeds
    python bench/classroom.py --quick              # N = 3, same: a smoke run
    python bench/classroom.py --students 10 --variants seeds --json /tmp/class.json
    python bench/classroom.py --variants mix --students 10,30   # the realistic class
    python bench/classroom.py --check              # the client against one Chromium page
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench import class_mix  # noqa: E402
from bench.st_client import PAGE, RERUN_KINDS, RUNS_COLUMN, SEED, TRAIN, Outcome, Student  # noqa: E402
from bench.st_server import Server, Usage, rss_mb, settle  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TEACHER_SEED = 999_983  # the warm-up run's seed: no student trains it
CHECK_SEED = 7
OPENING_AT_ONCE = 8  # students opening the page at the same moment (before the clock runs)


# -- one class --------------------------------------------------------------------------


async def teacher_warm_up(server: Server, timeout: float) -> Outcome:
    """A teacher trains once (another seed): TensorFlow loads in the server, the loop compiles."""
    teacher = Student(server.ws_url, -1, TEACHER_SEED)
    try:
        await teacher.open()
        await teacher.set_number(SEED, TEACHER_SEED)
        await teacher.press(TRAIN)
        return await teacher.wait_result(timeout)
    finally:
        await teacher.close()


async def open_pages(students: list[Student], set_seed: bool) -> None:
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def open_one(student: Student) -> None:
        async with gate:
            try:
                await student.open()
                if set_seed:
                    await student.set_number(SEED, student.outcome.seed)
            except Exception as exc:  # noqa: BLE001 - counted as this student's failure
                student.outcome.failure = f"exception (opening: {type(exc).__name__} {exc})"

    await asyncio.gather(*(open_one(s) for s in students))


async def press_together(students: list[Student], jitter: float, timeout: float) -> None:
    """Everyone presses Train within ``jitter`` seconds, then waits for their result."""
    start = time.monotonic() + 0.5
    rng = random.Random(len(students))

    async def one(student: Student, delay: float) -> None:
        if student.outcome.failure:
            return  # the page never opened
        await asyncio.sleep(max(0.0, start + delay - time.monotonic()))
        try:
            await student.press(TRAIN)
        except Exception as exc:  # noqa: BLE001
            student.outcome.failure = f"exception ({type(exc).__name__}: {exc})"[:200]
            return
        await student.wait_result(timeout)

    await asyncio.gather(*(one(s, rng.uniform(0, jitter)) for s in students))


def run_class(server: Server, n: int, variant: str, args) -> tuple[list[Outcome], dict]:
    """Warm up, open N pages, settle, then the measured part: N Train clicks."""
    asyncio.run(teacher_warm_up(server, args.timeout))
    time.sleep(args.settle)  # the workers compile every preset when the server starts
    seeds = [0] * n if variant == "same" else list(range(1, n + 1))
    usage: dict = {}

    async def measured() -> list[Outcome]:
        students = [Student(server.ws_url, i, seed) for i, seed in enumerate(seeds)]
        try:
            await open_pages(students, set_seed=variant == "seeds")
            usage["settle_s"] = await asyncio.to_thread(settle, server.proc.pid)
            client_cpu = time.process_time()
            with Usage(server.proc.pid) as sampled:
                tic = time.monotonic()
                await press_together(students, args.jitter, args.timeout)
                usage["wall_s"] = time.monotonic() - tic
            usage["cpu_s"], usage["peak_mb"] = sampled.cpu, sampled.peak_mb
            usage["client_cpu_s"] = time.process_time() - client_cpu
            usage["server_hwm_mb"] = rss_mb(server.proc.pid, "VmHWM")
            return [s.outcome for s in students]
        finally:
            await asyncio.gather(*(s.close() for s in students), return_exceptions=True)

    return asyncio.run(measured()), usage


# -- what the pages should show ---------------------------------------------------------


def reference_losses(seeds: set[int]) -> dict[int, float]:
    """Each seed's final loss, trained the way the server's workers train it."""
    from lstm_core.jobs import Experiment, JobPool
    from lstm_core.lessons import LESSONS

    lesson = LESSONS[PAGE]
    pool = JobPool(workers=min(2, os.cpu_count() or 1))
    try:
        jobs = {seed: pool.submit(Experiment.of(lesson.dataset, lesson.dataset_options,
                                                lesson.spec,
                                                dataclasses.replace(lesson.config, seed=seed)),
                                  "bench") for seed in sorted(seeds)}  # fmt: skip
        return {seed: pool.wait(job, timeout=600).history["loss"][-1] for seed, job in jobs.items()}
    finally:
        pool.close()


def cross_talk(outcome: Outcome, expected: dict[int, float]) -> str | None:
    """Why this page shows a run that is not the student's own (None when it is theirs)."""
    if outcome.runs is None:
        return None
    if len(outcome.runs) != 1:
        return f"{len(outcome.runs)} runs in the table after one click"
    loss, own = outcome.runs[0][RUNS_COLUMN], expected.get(outcome.seed)
    if own is not None and abs(loss - own) > 1e-4 * max(abs(own), 1e-6):
        return f"final loss {loss:.6g}, seed {outcome.seed} trains to {own:.6g}"
    return None


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarize(variant: str, share: bool, n: int, outcomes, usage, expected) -> dict:
    times = [o.seconds for o in outcomes if o.failure is None and o.seconds is not None]
    starts = [o.start_seconds for o in outcomes if o.start_seconds is not None]
    lives = [o.live_seconds for o in outcomes if o.live_seconds is not None]
    talk = [(o.student, why) for o in outcomes if (why := cross_talk(o, expected))]
    failures = [(o.student, o.failure) for o in outcomes if o.failure]
    return {
        "variant": variant, "sharing": share, "students": n, "done": len(times),
        "failures": len(failures), "failure_examples": failures[:5],
        "p50_s": statistics.median(times) if times else None,
        "p95_s": quantile(times, 0.95), "max_s": max(times) if times else None,
        "start_p50_s": statistics.median(starts) if starts else None,
        "start_max_s": max(starts) if starts else None,
        "live_p50_s": statistics.median(lives) if lives else None,
        "reruns_median": {kind: statistics.median(o.reruns[kind] for o in outcomes)
                          for kind in RERUN_KINDS.values()},
        "cross_talk": len(talk), "cross_talk_examples": talk[:5],
        **{key: round(value, 2) for key, value in usage.items()},
        "each": [o.brief() for o in outcomes],
    }  # fmt: skip


HEADER = (
    f"{'variant':<8}{'share':>6}{'N':>4}{'done':>6}{'fail':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}"
    f"{'live p50':>9}{'start p50':>10}{'cpu s':>8}{'peak MB':>9}{'xtalk':>7}{'client cpu':>11}"
)


LEGEND = """p50/p95/max: Train click -> result drawn (s); live p50: click -> the page shows the
job (its Stop button); start p50: click -> a worker took it (progress past "Queued");
cpu s, peak MB: server + its workers while the class trained; xtalk: pages showing a run
not their own; client cpu: this process (the N light clients) over the same time"""


def row_text(row: dict) -> str:
    return (f"{row['variant']:<8}{'on' if row['sharing'] else 'off':>6}{row['students']:>4}"
            f"{row['done']:>6}{row['failures']:>6}{class_mix.fmt(row['p50_s']):>8}{class_mix.fmt(row['p95_s']):>8}"
            f"{class_mix.fmt(row['max_s']):>8}{class_mix.fmt(row['live_p50_s']):>9}{class_mix.fmt(row['start_p50_s']):>10}{class_mix.fmt(row.get('cpu_s')):>8}"
            f"{class_mix.fmt(row.get('peak_mb'), 0):>9}{row['cross_talk']:>7}"
            f"{class_mix.fmt(row.get('client_cpu_s')):>11}")  # fmt: skip


def sharing_ratios(rows: list[dict], timeout: float) -> list[str]:
    """For each N: how much longer the same class waits when identical runs are not shared."""
    lines = []
    same = {(r["students"], r["sharing"]): r for r in rows if r["variant"] == "same"}
    for n in sorted({n for n, _ in same}):
        on, off = same.get((n, True)), same.get((n, False))
        if not (on and off and on["p50_s"]):
            continue
        cpu = off.get("cpu_s", 0) / max(on.get("cpu_s", 0), 1e-9)
        if off["p50_s"] is None:
            lines.append(f"N={n}: with sharing off no student saw a result within {timeout:.0f} s "
                         f"(with sharing: p95 {on['p95_s']:.1f} s); server CPU {cpu:.1f}× more "
                         "until the timeout")  # fmt: skip
        else:
            lines.append(f"N={n}: sharing identical runs: p50 {off['p50_s'] / on['p50_s']:.1f}× "
                         f"faster, p95 {off['p95_s'] / on['p95_s']:.1f}×, server CPU {cpu:.1f}× "
                         "less")  # fmt: skip
    return lines


# -- the client against one real Chromium page ------------------------------------------


def check_with_chromium(args) -> dict:
    """The same seed trained by the light client and by Chromium (no sharing: two jobs)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.app_page import loss_title, press_train, wait_finished, wait_idle

    expected = reference_losses({CHECK_SEED})[CHECK_SEED]
    server = Server.start(share=False)
    try:
        asyncio.run(teacher_warm_up(server, args.timeout))

        async def light() -> Outcome:
            student = Student(server.ws_url, 0, CHECK_SEED)
            try:
                await student.open()
                await student.set_number(SEED, CHECK_SEED)
                await student.press(TRAIN)
                return await student.wait_result(args.timeout)
            finally:
                await student.close()

        client = asyncio.run(light())
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{server.url}/{PAGE}?seed={CHECK_SEED}")
            wait_idle(page)
            tic = time.monotonic()
            press_train(page)
            status = wait_finished(page, timeout=args.timeout)
            chromium = {"status": status, "loss_title": loss_title(page),
                        "seconds": time.monotonic() - tic}  # fmt: skip
            browser.close()
    finally:
        server.stop()
    light_loss = client.runs[0][RUNS_COLUMN] if client.runs else None
    return {
        "seed": CHECK_SEED, "reference_final_loss": expected,
        "light": {"status": client.status, "loss_title": client.loss_title,
                  "final_loss": light_loss, "seconds": client.seconds, "failure": client.failure},
        "chromium": chromium,
        "same_loss_title": client.loss_title == chromium["loss_title"],
        "light_matches_reference": light_loss is not None
        and abs(light_loss - expected) <= 1e-4 * abs(expected),
    }  # fmt: skip


# -- main -------------------------------------------------------------------------------


def measure(args) -> list[dict]:
    sizes = [3] if args.quick else [int(n) for n in args.students.split(",")]
    variants = ["same"] if args.quick else args.variants.split(",")
    seeds = {0} if "same" in variants else set()
    if "seeds" in variants:
        seeds |= set(range(1, max(sizes) + 1))
    expected = {}
    if seeds:
        print(f"reference losses for {len(seeds)} seeds (lstm_core.jobs.JobPool) …", flush=True)
        expected = reference_losses(seeds)
    unshared = not (args.quick or args.no_unshared)
    configs = [("same", True), ("same", False)] if "same" in variants else []
    configs = [c for c in configs if c[1] or unshared]
    configs += [("seeds", True)] if "seeds" in variants else []
    rows = []
    for n in sizes:
        if configs:
            print(HEADER, flush=True)
        for variant, share in configs:
            rows.append(measure_one(n, variant, share, args, expected))
        if "mix" in variants:
            print(class_mix.HEADER, flush=True)
            for board in (True, False)[: 1 if args.no_quiet else 2]:
                rows.append(measure_mix(n, board, args))
    return rows


def measure_one(n: int, variant: str, share: bool, args, expected: dict[int, float]) -> dict:
    server = Server.start(share=share)
    try:
        outcomes, usage = run_class(server, n, variant, args)
    finally:
        server.stop()
    row = summarize(variant, share, n, outcomes, usage, expected)
    print(row_text(row), flush=True)
    print(
        "    script runs per student until the result (median):",
        ", ".join(f"{k} {v:g}" for k, v in row["reruns_median"].items()),
        flush=True,
    )
    for student, why in row["failure_examples"] + row["cross_talk_examples"]:
        print(f"    student {student}: {why}", flush=True)
    return row


def measure_mix(n: int, board: bool, args) -> dict:
    """The realistic class (``class_mix``): with the board, or quietly (no board at all)."""
    server = Server.start()
    try:
        happened, usage = class_mix.run_mix(server, n, board, args, teacher_warm_up)
    finally:
        server.stop()
    row = class_mix.summarize("mix" if board else "mix-quiet", n, happened, usage)
    print(class_mix.row_text(row), flush=True)
    for student, why in row["failure_examples"] + row["cross_talk_examples"]:
        print(f"    student {student}: {why}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", default="10,30,60", help="class sizes, comma-separated")
    parser.add_argument("--variants", default="same,seeds",
                        help="comma-separated: same, seeds, mix")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="N=3, same only: a smoke run")
    parser.add_argument("--no-unshared", action="store_true",
                        help="skip the same-settings class with sharing off")  # fmt: skip
    parser.add_argument("--no-quiet", action="store_true",
                        help="mix: skip the quiet class it is compared with")  # fmt: skip
    parser.add_argument("--check", action="store_true",
                        help="the light client against one Chromium page, then stop")  # fmt: skip
    parser.add_argument("--jitter", type=float, default=3.0, help="seconds over which all press")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per student")
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="seconds between the teacher's run and the class (0: the class "
        "comes while the new server still compiles its presets)",
    )
    parser.add_argument("--json", type=Path, help="write the rows (or the check) here")
    args = parser.parse_args()
    if args.check:
        result = check_with_chromium(args)
        print(json.dumps(result, indent=2))
    else:
        result = measure(args)
        print_summary(result, args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))


def print_summary(rows: list[dict], args) -> None:
    """All rows again, after the run: the Train-together table, then the mix table."""
    mixed = [row for row in rows if row["variant"].startswith("mix")]
    together = [row for row in rows if row not in mixed]
    print()
    if together:
        print(HEADER)
        for row in together:
            print(row_text(row))
        for line in sharing_ratios(together, args.timeout):
            print(line)
        print(LEGEND)
    if mixed:
        print(class_mix.HEADER)
        for row in mixed:
            print(class_mix.row_text(row))
        for line in class_mix.store_lines(mixed):
            print(line)
        print(class_mix.LEGEND)


if __name__ == "__main__":
    main()
