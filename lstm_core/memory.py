"""Memory of a long-lived process: reading it, and giving back what TensorFlow and the heap keep.

A classroom server runs for hours and builds a model for every architecture a student
trains. Two things grow there without bound unless released: TensorFlow's eager kernel
cache (every new variable shape adds kernels, ~0.5 MB per new architecture, never
evicted) and freed heap that glibc keeps instead of returning it to the OS.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os

RELEASE_EVERY = 16  # model builds between two releases of TensorFlow's eager kernel cache
_builds = itertools.count(1)


def rss_mb() -> float:
    """This process's resident memory in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def trim_heap() -> None:
    """Return freed heap pages to the OS (glibc's ``malloc_trim``; a no-op elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def give_back() -> None:
    """Free what only the cycle collector frees, then return the freed heap to the OS.

    A long-lived server calls this every so often (``job_reports.TIDY_SECONDS``): sessions
    that end free their models (reference cycles, left to Python's rare full collections)
    and runs in no thread of ours, and glibc keeps the pages they held. A full collection
    takes ~0.2 s of one core in a page server, a trim a few milliseconds.
    """
    gc.collect()
    trim_heap()


def after_build() -> None:
    """Called by ``models.build``: every RELEASE_EVERY builds, clear the kernel cache.

    Kernels are rebuilt on their next use, in microseconds; this is not Keras'
    ``clear_session`` (which would reset every session's Keras state).
    """
    if next(_builds) % RELEASE_EVERY:
        return
    from tensorflow.python.eager import context

    context.context().clear_kernel_cache()
    trim_heap()
