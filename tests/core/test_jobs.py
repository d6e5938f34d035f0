"""The job pool without Streamlit: workers, progress, Stop, the queue, sharing, cancelling."""

import gc
import inspect
import os
import threading
import time

import numpy as np
import pytest

from lstm_core import datasets, job_reports, jobs, memory, models, training, workers
from lstm_core.jobs import Experiment, JobPool
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

SEQ = "sequence_classification"
LONG = 5000  # epochs (the most a page allows) of a job still training when a test stops it


def experiment(epochs=30, seed=0, **spec) -> Experiment:
    spec = {"units": 8, **spec}
    return Experiment.of(SEQ, {}, ModelSpec(**spec), TrainConfig(epochs=epochs, seed=seed))


def long_job(seed: int) -> Experiment:
    """A job still training when a test stops it: 5000 epochs of one sample per batch."""
    config = TrainConfig(epochs=LONG, seed=seed, batch_size=1)
    return Experiment.of(SEQ, {}, ModelSpec(units=32), config)


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def pool():
    pool = JobPool(workers=1)  # one worker: the queue order is deterministic
    yield pool
    pool.close()


def test_a_job_trains_in_a_worker_exactly_as_in_this_process(pool):
    exp = experiment(epochs=30, seed=4)
    job = pool.wait(pool.submit(exp, "a"))
    assert job.stop_reason == "completed" and job.epochs_done == 30
    ds = datasets.load(SEQ)
    here = models.build(exp.spec, ds, seed=4)
    result = training.train(here, ds, exp.config)
    np.testing.assert_allclose(job.history["loss"], result.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(job.history["accuracy"], result.history["accuracy"], atol=1e-6)
    mine = models.build(exp.spec, ds, seed=4)
    training.set_weights(mine, job.weights)
    np.testing.assert_allclose(mine(ds.x).numpy(), here(ds.x).numpy(), atol=1e-5)


def test_identical_experiments_train_once_and_others_do_not_share(pool):
    exp = experiment(epochs=20, seed=7)
    first, second = pool.submit(exp, "a"), pool.submit(exp, "b")
    assert first is second and first.owners == {"a", "b"}
    pool.wait(first)
    assert pool.submit(exp, "c") is first  # recently finished: attached, not retrained
    other = pool.wait(pool.submit(experiment(epochs=20, seed=8), "a"))
    assert other is not first and other.history["loss"] != first.history["loss"]


def test_finished_jobs_kept_for_sharing_stay_within_their_bytes_the_latest_first(pool, monkeypatch):
    older = pool.wait(pool.submit(experiment(epochs=10, seed=21), "a"))
    monkeypatch.setattr(jobs, "KEEP_FINISHED_BYTES", older.nbytes * 2 + older.nbytes // 2)
    newer = [pool.wait(pool.submit(experiment(epochs=10, seed=s), "a")) for s in (22, 23)]
    assert all(job.nbytes == older.nbytes for job in newer)  # same size: two fit, not three
    assert pool.submit(experiment(epochs=10, seed=23), "b") is newer[1]  # kept: shared
    assert pool.submit(experiment(epochs=10, seed=22), "b") is newer[0]
    again = pool.submit(experiment(epochs=10, seed=21), "b")  # the oldest went: trains anew
    assert again is not older
    pool.wait(again)


def test_with_sharing_off_identical_experiments_each_train(pool, monkeypatch):
    monkeypatch.setenv("LSTM_EXPLORER_SHARE_RUNS", "off")  # bench/classroom.py's baseline
    exp = experiment(epochs=10, seed=9)
    first, second = pool.submit(exp, "a"), pool.submit(exp, "b")
    assert first is not second and (first.owners, second.owners) == ({"a"}, {"b"})
    pool.wait(first), pool.wait(second)
    third = pool.wait(pool.submit(exp, "c"))  # a finished one is not reused either
    assert third not in (first, second) and third.stop_reason == "completed"
    np.testing.assert_allclose(second.history["loss"], first.history["loss"], rtol=1e-6)


def test_queue_positions_and_first_come_first_served(pool):
    long = pool.submit(long_job(11), "a")
    wait_until(lambda: long.status == "running")
    second = pool.submit(experiment(epochs=10, seed=12), "b")
    third = pool.submit(experiment(epochs=10, seed=13), "c")
    assert pool.progress(second).queue_position == 1
    assert pool.progress(third).queue_position == 2
    assert pool.counts() == {"queued": 2, "running": 1, "workers": 1}
    assert pool.submit(experiment(epochs=10, seed=13), "d") is third  # one job, two owners
    assert pool.live_owners() == 4  # a, b, c and d each watch a live job
    pool.stop(long, "a")
    pool.wait(third)
    assert second.started < third.started and second.finished <= third.started
    assert second.stop_reason == third.stop_reason == "completed"


def test_stop_ends_within_a_chunk_and_keeps_every_epoch_trained(pool):
    job = pool.submit(long_job(21), "a")
    wait_until(lambda: job.epochs_done > 0)
    wait_until(lambda: pool.progress(job).seconds_left is not None)  # from the 2nd report
    assert pool.progress(job).seconds_left < 600  # small epochs: minutes at most, not hours
    pool.stop(job, "a")
    assert pool.progress(job).stopping
    pool.wait(job, timeout=5)
    assert job.stop_reason == "stopped" and 0 < job.epochs_done < LONG
    assert len(job.history["accuracy"]) == job.epochs_done
    assert job.weights is not None  # the model trained so far is kept


def test_stop_by_one_of_two_owners_leaves_the_other_training(pool):
    job = pool.submit(long_job(31), "a")
    pool.submit(long_job(31), "b")
    wait_until(lambda: len(job.snapshots) >= 2)
    kept = pool.stop(job, "a")
    assert kept is not job and kept.done and kept.stop_reason == "stopped"
    epoch, weights = kept.snapshots[-1]
    assert kept.epochs_done == epoch and kept.weights is weights  # curve and model agree
    assert not job.done and job.owners == {"b"}
    assert pool.stop(job, "b") is job
    pool.wait(job, timeout=5)
    assert job.stop_reason == "stopped"


def test_released_sessions_cancel_their_queued_and_running_jobs(pool):
    running = pool.submit(long_job(41), "gone")
    wait_until(lambda: running.status == "running")
    queued = pool.submit(experiment(epochs=10, seed=42), "gone")
    pool.release("gone")
    assert queued.done and queued.stop_reason == "cancelled" and queued.epochs_done == 0
    pool.wait(running, timeout=5)
    assert running.stop_reason == "cancelled" and running.weights is None


def test_a_session_that_stops_existing_loses_its_job(pool, monkeypatch):
    monkeypatch.setattr(job_reports, "OWNER_GRACE_SECONDS", 0.0)  # the reader thread reads it
    monkeypatch.setattr(job_reports, "OWNER_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(pool, "owner_alive", lambda owner: owner != "closed-tab")
    job = pool.submit(long_job(51), "closed-tab")
    pool.wait(job, timeout=30)
    assert job.stop_reason == "cancelled"


def test_a_large_report_travels_as_a_file_that_is_removed_once_read(tmp_path):
    sent = []
    outbox = workers.Outbox(3, type("Queue", (), {"put": staticmethod(sent.append)}), str(tmp_path))
    big = [np.arange(workers.SPOOL_BYTES, dtype=np.float32)]
    outbox.put("done", "completed", "", 0.5, big, 100.0)
    outbox.put("ready", 600.0)
    assert sent[0][:2] == ("spooled", 3) and sent[1] == ("ready", 3, 600.0)
    assert len(list(tmp_path.iterdir())) == 1
    kind, slot, reason, _, _, weights, _ = workers.received(sent[0])
    assert (kind, slot, reason) == ("done", 3, "completed")
    np.testing.assert_array_equal(weights[0], big[0])
    assert list(tmp_path.iterdir()) == []  # read once, then gone
    assert workers.received(sent[1]) == sent[1]


def test_a_wide_model_reports_its_snapshots_through_files_and_leaves_none_behind(pool):
    job = pool.wait(pool.submit(experiment(epochs=40, seed=62, units=96), "a"))
    size = sum(w.nbytes for w in job.weights)
    assert size * len(job.snapshots) > workers.SPOOL_BYTES  # too large for the pipe
    assert [epoch for epoch, _ in job.snapshots] == [0, *range(1, 41)]
    for got, final in zip(job.snapshots[-1][1], job.weights, strict=True):
        np.testing.assert_array_equal(got, final)
    wait_until(lambda: not os.listdir(pool._spool))


def test_snapshots_keep_at_most_fifty_copies_of_the_weights(pool):
    job = pool.wait(pool.submit(experiment(epochs=200, seed=61), "a"))
    epochs = [epoch for epoch, _ in job.snapshots]
    assert epochs == [0, *range(4, 201, 4)]  # the start, then k = 4: 50 snapshots
    for got, final in zip(job.snapshots[-1][1], job.weights, strict=True):
        np.testing.assert_array_equal(got, final)


def test_a_failing_job_reports_a_sentence_and_the_worker_lives_on(pool):
    bad = Experiment.of("next_number", {"series": "1, 2", "window_size": 3}, ModelSpec(),
                        TrainConfig(epochs=5))  # fmt: skip
    job = pool.wait(pool.submit(bad, "a"))
    assert job.stop_reason == "error" and "needs a series of at least" in job.message
    assert pool.wait(pool.submit(experiment(epochs=5, seed=71), "a")).stop_reason == "completed"


def test_a_worker_past_its_memory_limit_is_replaced_and_training_goes_on():
    pool = JobPool(workers=1, recycle_mb=1)  # every worker is "too big" after one job
    try:
        first_pid = pool.worker_pids()[0]
        assert pool.wait(pool.submit(experiment(epochs=5), "a")).stop_reason == "completed"
        wait_until(lambda: pool.recycled >= 1)
        assert pool.worker_pids()[0] != first_pid
        assert pool.wait(pool.submit(experiment(epochs=5, seed=1), "a")).epochs_done == 5
    finally:
        pool.close()


MEMORY_SCRIPT = """
import gc, json
from lstm_core import datasets, jobs, memory, models, training
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

def rss():
    gc.collect()
    return memory.rss_mb()

if __name__ == "__main__":
    ds = datasets.load("sequence_classification")
    pool = jobs.JobPool(workers=1, recycle_mb=float("inf"))
    spec = ModelSpec(units=8)
    run = lambda spec: jobs.Experiment.of(ds.name, {}, spec, TrainConfig(epochs=5))
    first = pool.wait(pool.submit(run(spec), "s"))
    training.set_weights(models.build(spec, ds), first.weights)
    pool.recycle_mb = pool._workers[0].rss_mb + 60  # replaced after a few new architectures
    start, biggest = rss(), 0.0
    for i in range(10):
        spec = ModelSpec(cell=("lstm", "gru")[i % 2], units=20 + i, layers=1 + i % 2)
        job = pool.wait(pool.submit(run(spec), "s"))
        model = models.build(spec, ds)  # the session's own model, as the page builds it
        training.set_weights(model, job.weights)
        biggest = max(biggest, max(w.rss_mb for w in pool._workers))
    print(json.dumps({"server": rss() - start, "limit": pool.recycle_mb,
                      "biggest": biggest, "recycled": pool.recycled}))
    pool.close()
"""


def test_new_architectures_cost_the_server_nothing_and_workers_are_bounded(tmp_path):
    # Trained in this process, 10 new architectures keep ~10-25 MB each for good (XLA's
    # compilation cache never evicts). Through the pool the server must stay flat and
    # every worker below its limit plus one architecture's worth.
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "memory.py"
    script.write_text(MEMORY_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, str(script)], cwd=root, capture_output=True,
                         text=True, timeout=600, env=env)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["server"] < 40, figures  # in-process training: +100-250 MB here
    assert figures["recycled"] >= 1, figures
    assert figures["biggest"] < figures["limit"] + 80, figures


def test_a_task_with_a_held_out_part_reports_its_score_and_starts_with_a_snapshot(pool):
    exp = Experiment.of("long_memory", {"length": 5, "samples": 64, "held_out": 32},
                        ModelSpec(units=4), TrainConfig(epochs=3))  # fmt: skip
    job = pool.wait(pool.submit(exp, "held-out"))
    progress = pool.progress(job)
    ds = exp.load()
    model = models.build(exp.spec, ds)
    assert job.snapshots[0][0] == 0  # the untrained weights come first
    for got, initial in zip(job.snapshots[0][1], training.weights_of(model), strict=True):
        np.testing.assert_array_equal(got, initial)
    training.set_weights(model, job.weights)
    expected = training.evaluate(model, ds.held_out)
    assert progress.held_out["accuracy"] == pytest.approx(expected["accuracy"])
    assert progress.held_out["loss"] == pytest.approx(expected["loss"], rel=1e-5)


def test_changed_settings_compile_before_train_and_the_click_waits_for_that_compile():
    """A warm-up of changed settings (keep=False) compiles in one worker; Train pressed
    meanwhile waits for that worker instead of compiling the same loop in the other."""
    pool = JobPool(workers=2, recycle_mb=float("inf"))  # a recycle would forget the compile
    try:
        wait_until(lambda: all(w.ready for w in pool._workers), timeout=120)
        exp = experiment(epochs=10, seed=3, units=6)
        pool.warm(exp, keep=False)
        wait_until(lambda: any(w.warming == exp for w in pool._workers))
        job = pool.wait(pool.submit(exp, "a"))
        assert job.stop_reason == "completed"
        compiled = [w.slot for w in pool._workers if exp.architecture in w.archs]
        assert len(compiled) == 1, compiled  # compiled once, in the warming worker
        assert exp not in pool._presets  # a student's settings are not re-warmed for good
    finally:
        pool.close()


def test_many_changed_settings_drop_their_oldest_warm_ups_never_a_lessons(monkeypatch):
    """A student's settings move on, so only the newest MAX_WARM_WAITING of them wait; the
    presets warmed at the server's start keep waiting however many students change theirs."""
    monkeypatch.setattr(jobs, "MAX_WARM_WAITING", 3)
    pool = JobPool(workers=1)  # its worker imports TensorFlow for seconds: nothing is taken
    try:
        lessons = [experiment(units=4 + i) for i in range(4)]
        changed = [experiment(units=20 + i) for i in range(8)]
        for exp in lessons:
            pool.warm(exp)
        for exp in changed:
            pool.warm(exp, keep=False)
        assert list(pool._warm) == lessons + changed[-3:]
        wait_until(lambda: pool._workers[0].ready, timeout=120)  # closed once it has started
    finally:
        pool.close()


def test_a_worker_gives_back_the_heap_a_compile_freed_before_it_reports_its_memory(
    monkeypatch,
):
    """XLA's compile of a new loop frees 100-200 MB that glibc keeps unless asked: the pool
    judges a worker by the RSS it reports, and took no more warm-ups after three or four
    loops, so some of the presets warmed at the server's start never were. (How much is
    given back depends on the machine: the order is what holds everywhere.)"""
    calls = []
    monkeypatch.setattr(workers, "trim_heap", lambda: calls.append("trim"))
    monkeypatch.setattr(workers, "rss_mb", lambda: calls.append("read") or 900.0)
    assert workers.settled_rss() == 900.0
    assert calls == ["trim", "read"]
    source = inspect.getsource(workers.worker_main)
    for report in ('"ready"', '"warmed"', '"done"'):  # every report that carries the RSS
        line = next(x for x in source.splitlines() if f"outbox.put({report}" in x)
        assert "settled_rss()" in line and "rss_mb()" not in line


def test_the_server_gives_back_what_ended_sessions_freed(pool, monkeypatch):
    """Streamlit drops an ended session in a thread of its own, at no moment the app hears
    of; its models sit in reference cycles, and glibc keeps the pages freed between what
    lives on. The pool's reader thread collects and trims every ``TIDY_SECONDS``: here a
    session's ~180 MB, held by a cycle around arrays that outlive it, comes back within
    seconds (without the collection or without the trim, it stays)."""
    kept = []

    class Session:
        pass

    def a_session() -> None:  # in its own thread, as a Streamlit script run
        session = Session()
        session.me = session  # a cycle, as a Keras model has: only the collector frees it
        session.arrays = [np.ones(5_000) for _ in range(5_000)]  # 40 KB each: heap, not mmap
        kept.extend(session.arrays[::10])  # what outlives the session, between the freed

    gc.collect()
    gc.disable()  # only the pool's collection may free the session
    try:
        thread = threading.Thread(target=a_session)
        thread.start()
        thread.join()
        before = memory.rss_mb()
        monkeypatch.setattr(job_reports, "TIDY_SECONDS", 0.0)
        wait_until(lambda: memory.rss_mb() < before - 100, timeout=10)
    finally:
        gc.enable()
    assert len(kept) == 500


def test_the_give_back_waits_while_a_class_waits_for_its_jobs(pool, monkeypatch):
    """A full collection holds the GIL for a fraction of a second: while a job is queued or
    running the pool does not give back (until BUSY_TIDY_FACTOR rounds have passed), and
    does once no job has been live for QUIET_SECONDS."""
    calls: list[float] = []

    def give_back() -> None:  # this pool's only: other pools of the test run tidy too
        if threading.current_thread() is pool._reader:
            calls.append(time.monotonic())

    monkeypatch.setattr(job_reports.memory, "give_back", give_back)
    monkeypatch.setattr(job_reports, "QUIET_SECONDS", 1.0)
    monkeypatch.setattr(job_reports, "BUSY_TIDY_FACTOR", 1000)
    monkeypatch.setattr(job_reports, "TIDY_SECONDS", 0.1)
    # a job that trains for far longer than the test watches it, on any CPU: two layers of
    # 256 units, one sample per batch (a smaller one ended by itself within 2 s on CI)
    config = TrainConfig(epochs=LONG, seed=77, batch_size=1)
    job = pool.submit(Experiment.of(SEQ, {}, ModelSpec(units=256, layers=2), config), "a")
    submitted = time.monotonic()
    wait_until(lambda: job.status == "running", timeout=60)
    time.sleep(2.0)
    pool.stop(job, "a")
    wait_until(lambda: job.done, timeout=60)
    wait_until(lambda: calls and calls[-1] > job.finished, timeout=10)
    assert job.finished - submitted > 2.0  # it was live while the test watched
    # (one give-back may have begun as the job was submitted)
    assert not [c for c in calls if submitted + 0.1 < c < job.finished], "given back while busy"
    first = next(c for c in calls if c > job.finished)
    assert first - job.finished >= 0.95  # after QUIET_SECONDS without a live job


def test_warm_ups_stop_short_of_the_memory_limit_so_they_never_replace_a_worker():
    """Each compiled loop stays in a worker for good: warming every lesson into a worker
    near its limit would replace it, and the new one would warm itself up to the limit
    again, for ever. Warm-ups stop WARM_ROOM_MB short of the limit; jobs use the room."""
    pool = JobPool(workers=1, recycle_mb=float("inf"))
    try:
        [worker] = pool._workers
        wait_until(lambda: worker.ready, timeout=120)
        pool.recycle_mb = worker.rss_mb + jobs.WARM_ROOM_MB + 30  # room for a loop or two
        wanted = [experiment(units=9 + i, cell=("lstm", "gru")[i % 2]) for i in range(12)]
        for exp in wanted:
            pool.warm(exp, keep=False)
        full = lambda: worker.rss_mb >= pool.recycle_mb - jobs.WARM_ROOM_MB  # noqa: E731
        done = lambda: len(worker.archs) == len(wanted)  # noqa: E731
        wait_until(lambda: not worker.warming and (full() or done()), timeout=300)
        warmed = [exp for exp in wanted if exp.architecture in worker.archs]
        assert pool.recycled == 0 and worker.rss_mb < pool.recycle_mb
        assert 1 <= len(warmed) < len(wanted) and pool._warm  # the rest wait for room
        job = pool.wait(pool.submit(wanted[-1], "a"), timeout=120)  # jobs still train
        assert job.stop_reason == "completed"
    finally:
        pool.close()


def test_a_worker_never_runs_the_main_script_whatever_it_is_meanwhile(tmp_path, monkeypatch):
    """Streamlit sets ``__main__`` to the page script at every run, from its own threads;
    a worker started meanwhile must not run that script (it re-ran app/main.py and died)."""
    import sys
    import types

    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('page ran')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    pool = JobPool(workers=1)
    try:
        job = pool.wait(pool.submit(experiment(epochs=3), "a"), timeout=90)
        assert job.stop_reason == "completed"
    finally:
        pool.close()
    assert not marker.exists()


def test_the_cores_are_shared_out_between_the_workers_tensorflow_threads():
    assert jobs.threads_per_worker(2, cores=2) == 1  # two workers on two cores: one each
    assert jobs.threads_per_worker(1, cores=4) == 4
    assert jobs.threads_per_worker(3, cores=8) == 2
    assert jobs.threads_per_worker(8, cores=2) == 1  # never none


def test_a_job_brings_its_models_outputs_on_the_training_data_and_the_probes(pool):
    exp = experiment(epochs=10, seed=63)
    probes = ("0, 0, 0, 0, 0, 1", "not numbers")  # the second cannot be encoded: skipped
    job = pool.wait(pool.submit(exp, "a", probes))
    ds = datasets.load(SEQ)
    mine = models.build(exp.spec, ds, seed=63)
    training.set_weights(mine, job.weights)
    probe = ds.encode(probes[0])
    assert set(job.outputs) == {jobs.data_digest(ds.x), jobs.data_digest(probe)}
    assert jobs.data_digest(ds.x[:-1]) not in job.outputs
    for x in (ds.x, probe):
        got = job.outputs[jobs.data_digest(x)]
        np.testing.assert_allclose(got, mine(x, training=False).numpy(), atol=1e-6)
