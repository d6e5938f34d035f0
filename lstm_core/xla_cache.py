"""XLA's compiled training loops kept on disk, shared by the workers and across restarts.

Compiling a new architecture's loop is most of a first Train click. TensorFlow can keep
each compiled XLA program in a directory (``--tf_xla_persistent_cache_directory``) keyed by
the program itself, so a loop compiled once — by another worker, before the server was
restarted, or when the image was built — is loaded instead of compiled again. The numbers
do not depend on it: the cached program is the one XLA would build.

``enable()`` must run before TensorFlow is imported in the process (a worker calls it
first thing). ``LSTM_EXPLORER_XLA_CACHE`` names the directory (``off`` turns the cache
off); the default is ``~/.cache/lstm-explorer/xla``. The directory is kept under
``MAX_MB`` by deleting the entries used least recently.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ENV = "LSTM_EXPLORER_XLA_CACHE"
FLAG = "--tf_xla_persistent_cache_directory"
MAX_MB = 512  # an entry is 1-5 MB: a few hundred architectures

log = logging.getLogger(__name__)


def directory() -> Path | None:
    """Where the compiled programs go, or None when the cache is off."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() in ("off", "0", "none", "false"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lstm-explorer" / "xla"


def enable(max_mb: float = MAX_MB) -> Path | None:
    """Point TensorFlow's XLA at the cache directory (created and pruned here).

    Returns the directory, or None when the cache is off or cannot be written (training
    then simply compiles, as without a cache).
    """
    path = directory()
    if path is None:
        return None
    if "tensorflow" in sys.modules:
        log.warning("XLA cache enabled after TensorFlow was imported: it may not be used")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".writable"
        probe.write_bytes(b"")
        probe.unlink()
        prune(path, max_mb)
    except OSError as exc:
        log.warning("no XLA cache (%s): every new architecture compiles", exc)
        return None
    flags = os.environ.get("TF_XLA_FLAGS", "")
    if FLAG not in flags:
        os.environ["TF_XLA_FLAGS"] = f"{flags} {FLAG}={path}".strip()
    return path


def prune(path: Path, max_mb: float = MAX_MB) -> int:
    """Delete the least recently used entries until the directory holds at most ``max_mb``;
    returns how many were deleted."""
    entries = []
    for entry in path.glob("*"):
        try:
            if entry.is_file():
                info = entry.stat()
                entries.append((max(info.st_atime, info.st_mtime), info.st_size, entry))
        except OSError:  # deleted by another process meanwhile
            continue
    total, limit, deleted = sum(size for _, size, _ in entries), max_mb * 2**20, 0
    for _, size, entry in sorted(entries, key=lambda e: e[0]):
        if total <= limit:
            break
        try:
            entry.unlink()
        except OSError:
            continue
        total, deleted = total - size, deleted + 1
    return deleted
