"""The run store: every behaviour against SQLite (a file) and a real PostgreSQL server that
the suite starts from Debian's binaries with pytest-postgresql."""

from __future__ import annotations

import glob
import os
import pickle
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import port_for
import pytest
import sqlalchemy as sa

from lstm_core import store, store_classes
from lstm_core.store import Store, StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]
PG_CTL = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


# ------------------------------------------------------------------ the two backends


def _pg_ctl_for_this_user(base: Path) -> str:
    """pg_ctl refuses to run as root: as root, a wrapper runs it as Debian's postgres user."""
    if os.geteuid() != 0:
        return PG_CTL[-1]
    user = pwd.getpwnam("postgres")
    os.chown(base, user.pw_uid, user.pw_gid)
    wrapper = base / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\ncd /\nexec runuser -u postgres -- {PG_CTL[-1]} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session: pytest-postgresql's executor on Debian's
    pg_ctl, its data in a folder of its own (pytest's tmp folders are private to root, and
    as root the server runs as the postgres user)."""
    if not PG_CTL:
        reason = ("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/pg_ctl) are missing: "
                  "install Debian's postgresql package (.ci/run does)")  # fmt: skip
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix="lstm-store-pg-"))
    base.chmod(0o755)
    port = port_for.select_random()
    server = PostgreSQLExecutor(
        executable=_pg_ctl_for_this_user(base), host="127.0.0.1", port=port,
        datadir=str(base / "data"), unixsocketdir=str(base), logfile=str(base / "pg.log"),
        startparams="-w", dbname="lstm_store", user="postgres",
    )  # fmt: skip
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_server):
    """One database on that server for the session; each test empties it afterwards."""
    from pytest_postgresql.janitor import DatabaseJanitor

    janitor = DatabaseJanitor(user="postgres", host=pg_server.host, port=pg_server.port,
                              dbname="lstm_store")  # fmt: skip
    janitor.init()
    yield f"postgresql://postgres@{pg_server.host}:{pg_server.port}/lstm_store"
    janitor.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database of each kind: a new SQLite file, or the session's PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.db'}"
        return
    pg_url = request.getfixturevalue("pg_url")
    yield pg_url
    engine = sa.create_engine(store.database_url(pg_url))
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in store.Base.metadata.sorted_tables)
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY"))
    engine.dispose()


@pytest.fixture
def db(url):
    opened = Store(url)
    yield opened
    opened.close()


def weights_of(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(np.float32) for shape in shapes]


# ------------------------------------------------------------------ runs


def test_schema_of_the_migrations_is_the_schema_of_the_code(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, store.Base.metadata) == []
        assert context.get_current_revision() == "0001"


def test_a_run_comes_back_exactly(db):
    student = db.new_student()
    weights = weights_of([(1, 16), (4, 16), (16,), (4, 1), (1,)])
    weights[0][0, :3] = [np.nan, np.inf, np.float32(1e-45)]  # nan, inf, a subnormal
    settings = {"cell": "lstm", "units": 4, "learning_rate": np.float64(0.001)}
    history = {"loss": [1.5, 0.25, float("nan")], "accuracy": [0.5, 1.0, 1.0]}
    run_id = db.save_run(student, "sequence_classification", settings, history, weights)
    assert db.save_run(student, "hello", {"units": 2}, {"loss": [1.0]}) > run_id  # no weights

    back = db.load_weights(student, run_id)
    assert [w.shape for w in back] == [w.shape for w in weights]
    assert all(w.dtype == np.float32 for w in back)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(back, weights, strict=True))
    [saved] = db.list_runs(student, page="sequence_classification")
    assert saved.id == run_id and saved.settings == {**settings, "learning_rate": 0.001}
    assert saved.history["loss"][:2] == [1.5, 0.25] and np.isnan(saved.history["loss"][2])
    assert saved.weights_bytes > sum(w.nbytes for w in weights)
    assert [r.page for r in db.list_runs(student)] == ["sequence_classification", "hello"]
    with pytest.raises(ValueError, match="saved without its trained weights"):
        db.load_weights(student, db.list_runs(student)[1].id)


def test_a_student_reaches_only_their_own_runs(db):
    alice, bob = db.new_student(), db.new_student()
    run_id = db.save_run(alice, "hello", {}, {"loss": [1.0]}, weights_of([(2, 2)]))
    for attempt in (lambda: db.load_weights(bob, run_id), lambda: db.delete_run(bob, run_id),
                    lambda: db.load_weights(alice, run_id + 99)):  # fmt: skip
        with pytest.raises(ValueError, match="is not one of your saved runs"):
            attempt()
    assert db.list_runs(bob) == [] and db.has_student(bob) and not db.has_student("x" * 22)
    with pytest.raises(ValueError, match="token is not valid"):
        db.save_run("not-a-token", "hello", {}, {})
    with pytest.raises(ValueError, match="token is not valid"):  # well formed, never issued
        db.save_run("A" * 22, "hello", {}, {})
    db.delete_run(alice, run_id)
    assert db.list_runs(alice) == []


def test_weights_that_would_need_pickle_are_refused(db, monkeypatch, tmp_path):
    class Payload:  # what a hostile file could carry: code run on unpickling
        def __reduce__(self):
            return (exec, ("import os; os.environ['LSTM_STORE_PWNED'] = '1'",))

    monkeypatch.delenv("LSTM_STORE_PWNED", raising=False)
    with pytest.raises(ValueError, match="arrays of numbers; an array of object"):
        store.pack_weights([np.array([Payload()], dtype=object)])

    student = db.new_student()
    run_id = db.save_run(student, "hello", {}, {}, weights_of([(2, 2)]))
    hostile = tmp_path / "w.npz"
    np.savez(hostile, np.array([Payload()], dtype=object))  # numpy pickles object arrays
    for blob in (hostile.read_bytes(), pickle.dumps(Payload()), b"not an npz"):
        with db.engine.begin() as connection:
            connection.execute(sa.update(store.Run).values(weights=blob))
        with pytest.raises(ValueError, match="not plain arrays .* delete this run"):
            db.load_weights(student, run_id)
    assert "LSTM_STORE_PWNED" not in os.environ


def test_sizes_are_bounded(db, monkeypatch):
    student = db.new_student()
    too_big = [np.zeros(store.MAX_WEIGHTS_MB * 1024 * 1024 // 4 + 1, np.float32)]
    with pytest.raises(ValueError, match="16.0 MB; the run store keeps at most 16 MB per run"):
        db.save_run(student, "hello", {}, {}, too_big)
    with pytest.raises(ValueError, match=r"at most 1024 KB per run: train for fewer epochs"):
        db.save_run(student, "hello", {}, {"loss": [0.123456789] * 100_000})
    with pytest.raises(ValueError, match="must be numbers, text, lists and dicts; a set"):
        db.save_run(student, "hello", {"units": {4}}, {})
    assert db.list_runs(student) == []  # nothing half-saved

    monkeypatch.setattr(store, "MAX_RUNS", 3)
    ids = [db.save_run(student, "hello", {"units": n}, {}) for n in range(5)]
    assert [r.id for r in db.list_runs(student)] == ids[-3:]  # the newest kept

    monkeypatch.setattr(store_classes, "MAX_BOARD", 2)  # where the board reads it
    code = db.create_class(db.new_student(), "hello").code
    db.submit(code, student, "a", {"loss": 0.1})
    db.submit(code, student, "b", {"loss": 0.2})
    with pytest.raises(ValueError, match=f"The board of class {code} is full"):
        db.submit(code, student, "c", {"loss": 0.3})
    with pytest.raises(ValueError, match="at most 16 KB"):
        db.submit(db.create_class(student, "hello").code, student, "d", {"x": "y" * 20_000})


def test_nicknames_are_plain_text(db):
    hostile = '<img src=x onerror="1">'
    token = db.new_student(hostile)
    assert db.nickname(token) == hostile  # kept as the literal text, nothing escaped or run
    assert db.set_nickname(token, "Kim\x00\x1b\u202eRTL\u200b\n\t Lee") == "KimRTL Lee"
    assert db.nickname(token) == "KimRTL Lee"
    assert db.set_nickname(token, "  김민수  ") == "김민수"
    assert db.set_nickname(token, "x" * 24) == "x" * 24
    with pytest.raises(ValueError, match="at most 24 characters; yours has 25: shorten it"):
        db.set_nickname(token, "x" * 25)
    assert db.nickname(token) == "x" * 24
    code = db.create_class(token, "hello").code
    db.submit(code, token, "<b>\x07bold</b>", {"loss": 0.5})
    assert [e.nickname for e in db.list_board(code)] == ["<b>bold</b>"]


# ------------------------------------------------------------------ classes and the board


def test_room_codes_are_unique_and_unambiguous(db):
    teacher = db.new_student()
    codes = [db.create_class(teacher, "hello").code for _ in range(25)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 6 and not set(c) & set("0O1I") for c in codes)
    typed = f" {codes[0][:3].lower()}-{codes[0][3:].lower()} "
    assert db.find_class(typed).code == codes[0]


def test_unknown_malformed_or_expired_codes_are_told_in_a_sentence(db):
    with pytest.raises(ValueError, match="There is no class with the code ZZZZZZ: check"):
        db.find_class("zzzzzz")
    with pytest.raises(ValueError, match="'hello!' is not a room code: a room code is 6"):
        db.find_class("hello!")
    real_clock = db.clock
    db.clock = lambda: real_clock() - timedelta(days=31)
    old = db.create_class(db.new_student(), "hello").code
    db.clock = real_clock
    with pytest.raises(ValueError, match=f"The class {old} ended more than 30 days ago"):
        db.find_class(old)


def test_the_teacher_moves_the_class(db):
    teacher, student = db.new_student(), db.new_student()
    room = db.create_class(teacher, "hello", preset="tiny", lang="ko")
    assert (room.page, room.preset, room.step, room.lang) == ("hello", "tiny", 0, "ko")
    db.set_step(room.code, teacher, 3, page="inside")
    assert db.find_class(room.code).step == 3 and db.find_class(room.code).page == "inside"
    assert db.find_class(room.code).preset == "tiny"
    with pytest.raises(ValueError, match=f"Only the teacher who started class {room.code}"):
        db.set_step(room.code, student, 4)
    with pytest.raises(ValueError, match="whole number from 0 to 99; got 100"):
        db.set_step(room.code, teacher, 100)


def test_the_board_hides_and_clears(db):
    teacher, other_teacher, student = db.new_student(), db.new_student(), db.new_student()
    code = db.create_class(teacher, "hello").code
    other = db.create_class(other_teacher, "hello").code
    ids = [db.submit(code, student, f"s{n}", {"units": n, "loss": 0.1 * n}) for n in range(3)]
    elsewhere = db.submit(other, student, "s", {"units": 9})
    db.hide_entry(code, teacher, ids[1])
    assert [e.id for e in db.list_board(code)] == [ids[0], ids[2]]
    shown = db.list_board(code, include_hidden=True)
    assert [e.hidden for e in shown] == [False, True, False] and shown[2].summary["units"] == 2
    with pytest.raises(ValueError, match=f"Only the teacher who started class {code}"):
        db.hide_entry(code, other_teacher, ids[0])
    with pytest.raises(ValueError, match=f"Entry {elsewhere} is not on the board of class"):
        db.hide_entry(code, teacher, elsewhere)
    with pytest.raises(ValueError, match=f"Only the teacher who started class {code}"):
        db.clear_board(code, student)
    assert db.clear_board(code, teacher) == 3
    assert db.list_board(code, include_hidden=True) == []
    assert [e.id for e in db.list_board(other)] == [elsewhere]


def test_purge_deletes_old_classes_and_their_boards_only(db):
    teacher, student = db.new_student(), db.new_student()
    real_clock = db.clock
    db.clock = lambda: real_clock() - timedelta(days=40)
    old = db.create_class(teacher, "hello").code
    db.submit(old, student, "old", {"loss": 1.0})
    db.clock = real_clock
    new = db.create_class(teacher, "hello").code
    db.submit(new, student, "new", {"loss": 0.5})
    run_id = db.save_run(student, "hello", {}, {"loss": [1.0]})

    assert db.purge(50) == 0
    assert db.purge(30) == 1
    with pytest.raises(ValueError, match=f"no class with the code {old}"):
        db.find_class(old)
    assert [e.nickname for e in db.list_board(new)] == ["new"]
    with db.engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(store.BoardRow)) == 1
    assert [r.id for r in db.list_runs(student)] == [run_id]  # runs are not the class's


# ------------------------------------------------------------------ processes, failures


def test_two_processes_share_one_database(db, url):
    student = db.new_student()
    code = db.create_class(student, "hello").code
    program = (
        "import sys, numpy as np; from lstm_core import store\n"
        "s = store.open_store()\n"
        "w = [np.arange(6, dtype=np.float32).reshape(2, 3), np.full(3, 0.5, np.float32)]\n"
        "print(s.save_run(sys.argv[1], 'hello', {'units': 3}, {'loss': [2.0, 1.0]}, w))\n"
        "s.submit(sys.argv[2], sys.argv[1], 'other process', {'loss': 1.0})\n"
    )
    env = {**os.environ, store.ENV_URL: url}
    done = subprocess.run([sys.executable, "-c", program, student, code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    run_id = int(done.stdout.split()[-1])
    [run] = db.list_runs(student)
    assert run.id == run_id and run.settings == {"units": 3} and run.history["loss"] == [2.0, 1.0]
    back = db.load_weights(student, run_id)
    assert np.array_equal(back[0], np.arange(6, dtype=np.float32).reshape(2, 3))
    assert np.array_equal(back[1], np.full(3, 0.5, np.float32))
    assert [e.nickname for e in db.list_board(code)] == ["other process"]


def test_an_unwritable_or_broken_sqlite_file_is_told_in_a_sentence(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="cannot be used .*your runs stay in this session"):
        Store(f"sqlite:///{blocker / 'runs.db'}")

    path = tmp_path / "runs.db"
    Store(f"sqlite:///{path}").close()
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(StoreUnavailable, match=r"cannot be used \(attempt to write a readonly"):
        read_only.new_student()
    read_only.close()

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable, match=r"cannot be used \(file is not a database\)"):
        Store(f"sqlite:///{broken}")

    newer = tmp_path / "newer.db"  # written by a later version of the app
    Store(f"sqlite:///{newer}").close()
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreUnavailable, match="Can't locate revision identified by '9999'"):
        Store(f"sqlite:///{newer}")


def test_a_postgres_nobody_listens_on_is_told_quickly():
    port = port_for.select_random()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}/runs cannot be used") as told:
        Store(f"postgresql://student:secret@127.0.0.1:{port}/runs")
    assert time.monotonic() - started < 10
    assert "secret" not in str(told.value) and "Traceback" not in str(told.value)


def test_the_address_and_the_defaults(tmp_path, monkeypatch):
    assert store.database_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert store.database_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    for bad in ("mysql://u@h/db", "not a url"):
        with pytest.raises(StoreUnavailable, match="LSTM_EXPLORER_DB must be a sqlite:///"):
            store.database_url(bad)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(store.ENV_URL, raising=False)
    monkeypatch.setenv(store.ENV_KEEP_DAYS, "7")
    opened = store.open_store()
    assert (tmp_path / ".local/share/lstm-explorer/runs.db").is_file()
    assert opened.keep_days == 7
    opened.close()
    monkeypatch.setenv(store.ENV_KEEP_DAYS, "a week")
    with pytest.raises(ValueError, match="whole number of days of at least 1; it is 'a week'"):
        store.open_store()
