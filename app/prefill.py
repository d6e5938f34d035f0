"""Fill the on-disk XLA cache with every task page preset's training loop, ahead of any click.

``python -m app.prefill`` (the Docker image runs it while it is built): each preset of
``app.presets.PRESETS`` — what Train trains right after choosing it — has its loop
compiled once with ``training.warm_up`` into ``LSTM_EXPLORER_XLA_CACHE``
(``lstm_core.xla_cache``). A server started from that image then loads those loops from
disk in its workers instead of compiling them at the class's first clicks.

``python -m app.prefill hello next_number:tanh`` compiles only the pages and presets named
(``page`` or ``page:preset``). Exits 1 when the cache is off or a preset fails to compile.
"""

from __future__ import annotations

import sys
import time

from lstm_core import xla_cache


def chosen(names: list[str]) -> list[tuple[str, str]]:
    """(page, preset key) of every preset named (all of them when ``names`` is empty)."""
    from app.presets import PRESETS

    every = [(page, preset.key) for page, presets in PRESETS.items() for preset in presets]
    if not names:
        return every
    unknown = [n for n in names if not any(n in (page, f"{page}:{key}") for page, key in every)]
    if unknown:
        known = ", ".join(f"{page}:{key}" for page, key in every)
        raise SystemExit(f"unknown page or preset {', '.join(unknown)}; known: {known}")
    return [(page, key) for page, key in every if page in names or f"{page}:{key}" in names]


def main(argv: list[str] | None = None) -> int:
    path = xla_cache.enable()  # before TensorFlow is imported (by app.presets' imports)
    if path is None:
        print(f"the XLA cache is off ({xla_cache.ENV}): nothing to fill", file=sys.stderr)
        return 1
    from app import presets
    from lstm_core import datasets, training

    failed = 0
    for page, key in chosen(sys.argv[1:] if argv is None else argv):
        e = presets.experiment(page, presets.of(page)[key])
        start = time.perf_counter()
        try:
            dataset = datasets.load(e.dataset, **dict(e.options))
            training.warm_up(e.spec, dataset, e.config)
        except Exception as exc:  # noqa: BLE001 - name every preset that fails, then exit 1
            failed += 1
            print(f"{page}:{key} failed: {exc}", file=sys.stderr)
            continue
        print(f"{page}:{key}: loop ready in {time.perf_counter() - start:.1f} s", flush=True)
    entries = sum(1 for entry in path.iterdir() if entry.is_file())
    print(f"{path}: {entries} compiled programs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
