"""The on-disk XLA cache: where it lives, how it stays bounded, and that a second process
loads the compiled loop instead of compiling it (with the same numbers)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from lstm_core import xla_cache

ROOT = Path(__file__).resolve().parents[2]

TRAIN = """
import json, sys
from lstm_core import xla_cache
xla_cache.enable()
from lstm_core import datasets, models, training
from lstm_core.models import ModelSpec
ds = datasets.load("sequence_classification")
model = models.build(ModelSpec(units=3), ds, seed=0)
result = training.train(model, ds, training.TrainConfig(epochs=3, batch_size=2, seed=0))
print(json.dumps(result.history["loss"]))
"""


def test_the_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(xla_cache.ENV, str(tmp_path / "mine"))
    assert xla_cache.directory() == tmp_path / "mine"
    monkeypatch.setenv(xla_cache.ENV, "off")
    assert xla_cache.directory() is None
    assert xla_cache.enable() is None
    monkeypatch.delenv(xla_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert xla_cache.directory() == tmp_path / "cache" / "lstm-explorer" / "xla"


def test_enable_points_xla_at_the_directory(monkeypatch, tmp_path):
    monkeypatch.setenv(xla_cache.ENV, str(tmp_path / "xla"))
    monkeypatch.setenv("TF_XLA_FLAGS", "--tf_xla_auto_jit=0")
    assert xla_cache.enable() == tmp_path / "xla"
    assert (tmp_path / "xla").is_dir()
    flags = os.environ["TF_XLA_FLAGS"]
    assert flags.startswith("--tf_xla_auto_jit=0 ")  # the flags already there are kept
    assert f"{xla_cache.FLAG}={tmp_path / 'xla'}" in flags
    xla_cache.enable()
    assert os.environ["TF_XLA_FLAGS"].count(xla_cache.FLAG) == 1


def test_a_directory_that_cannot_be_made_turns_the_cache_off(monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(xla_cache.ENV, str(blocker / "xla"))
    monkeypatch.setenv("TF_XLA_FLAGS", "")
    assert xla_cache.enable() is None
    assert xla_cache.FLAG not in os.environ["TF_XLA_FLAGS"]


def test_prune_deletes_the_least_recently_used_entries_first(tmp_path):
    for k in range(5):
        entry = tmp_path / f"entry{k}.pb"
        entry.write_bytes(b"x" * 2**20)  # 1 MB each
        os.utime(entry, (1000 + k, 1000 + k))  # entry0 is the oldest
    assert xla_cache.prune(tmp_path, max_mb=3) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry2.pb", "entry3.pb", "entry4.pb"]
    assert xla_cache.prune(tmp_path, max_mb=3) == 0


def _train_in_a_new_process(cache: Path) -> list[float]:
    env = {**os.environ, xla_cache.ENV: str(cache), "TF_XLA_FLAGS": ""}
    done = subprocess.run([sys.executable, "-c", TRAIN], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_second_process_loads_the_loop_the_first_compiled(tmp_path):
    cache = tmp_path / "xla"
    first = _train_in_a_new_process(cache)
    entries = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert entries, "the first process wrote no compiled program"
    second = _train_in_a_new_process(cache)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == entries  # read, not rewritten
    assert second == first  # the loaded program trains exactly as the compiled one
