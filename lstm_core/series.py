"""Next-number data (seeds 001 and 003): a series cut into windows, scaled without leakage.

``next_number(...)`` is what ``datasets.load("next_number", ...)`` returns. The tutorial's
own windows (seed 001: ``[1, 2, 3] → 4``, and the wide variant with ``[20, 30, 40] → 50``)
or a student's own series, windowed as seed 001's ``split_x``. An own series may have:

* a test part (``test_share``): the last windows are kept out of training as
  ``Dataset.held_out``, so the error on numbers the network never saw can be measured;
* a scaler fitted as seed 003 says (``scaler_fit="train"``: "학습데이터만 스케일 변환에
  사용한다", only the values of the training windows) or on every value, the test part
  included (``"all"``: the test part leaks into the scaling);
* several features per step (``extra_features``, seed 003's "Feature = 5": five columns),
  x of shape (samples, window, features), each feature scaled by its own scaler; the
  first feature (``series``) is the one to predict;
* a target at every step (``every_step``: many-to-many): y[t] is the value after step t,
  y of shape (samples, window, 1), for a model with ``return_sequences=True``.

Bad options raise ``ValueError`` with a sentence a student understands.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstm_core.datasets import (
    MAX_SERIES,
    Dataset,
    Scaler,
    parse_numbers,
    window,
)

SCALER_FITS = ("train", "all")  # the scaler sees the training windows only, or everything
MAX_FEATURES = 8  # columns per step: one window of a CSV stays readable and trains live
MAX_TEST_SHARE = 0.5

WINDOWS_001 = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]
TARGETS_001 = [4, 5, 6, 7]
WIDE_WINDOWS_001 = [[i, i + 1, i + 2] for i in range(1, 11)] + [
    [20, 30, 40],
    [30, 40, 50],
    [40, 50, 60],
]
WIDE_TARGETS_001 = list(range(4, 14)) + [50, 60, 70]


def next_number(
    variant: str = "small",
    series: Sequence[float] | str | None = None,
    window_size: int = 3,
    scaling: str | None = None,
    scaler_fit: str = "train",
    test_share: float = 0.0,
    extra_features: tuple[tuple[str, Sequence[float] | str], ...] = (),
    series_name: str | None = None,
    every_step: bool = False,
) -> Dataset:
    """Windows of numbers → the number that follows (or the next value at every step)."""
    options = {"variant": variant, "window_size": window_size, "scaling": scaling}
    if series is None:
        if extra_features or test_share or every_step:
            raise ValueError(
                "Extra features, a test part and a target at every step need your own "
                "series: choose 'Your own series' first."
            )
        return _tutorial(variant, scaling, options)
    if scaler_fit not in SCALER_FITS:
        raise ValueError(
            f"Unknown scaler fit '{scaler_fit}': fit it on 'train' (the training windows "
            "only) or on 'all' (every value, the test part included)."
        )
    table, names = _columns(series, extra_features, series_name)  # (length, features)
    n = table.shape[0] - _window_size(window_size, table.shape[0])
    n_test = test_windows(n, test_share)
    fit_rows = table[: table.shape[0] - n_test] if scaler_fit == "train" else table
    scalers = (
        [Scaler.fit(fit_rows[:, f], scaling) for f in range(table.shape[1])] if scaling else []
    )
    options.update(scaler_fit=scaler_fit, test_share=test_share, every_step=bool(every_step))
    if extra_features:
        options.update(extra_features=extra_features, series_name=series_name)
    parts = [
        _part(table, names, int(window_size), rows, scalers, bool(every_step), options)
        for rows in (range(0, n - n_test), range(n - n_test, n))
    ]
    train, test = parts
    return _replace(train, held_out=test if n_test else None)


def test_windows(n: int, share: float) -> int:
    """How many of ``n`` windows are the test part: the last ``share`` of them, at least 1."""
    if isinstance(share, bool) or not 0 <= share <= MAX_TEST_SHARE:
        raise ValueError(
            f"The test part must be between 0 and {MAX_TEST_SHARE:g} of the windows (got {share})."
        )
    if not share:
        return 0
    if n < 2:
        raise ValueError(
            f"Your series gives {n} window, and a test part needs at least 2 (one to train "
            "on, one to test): make the series longer or the window smaller."
        )
    return min(n - 1, max(1, round(n * share)))


def _tutorial(variant: str, scaling: str | None, options: dict) -> Dataset:
    if variant == "small":
        x, y = np.asarray(WINDOWS_001, float), np.asarray(TARGETS_001, float)
        description = "Four windows of three numbers; predict the next number: [1, 2, 3] → 4."
    elif variant == "wide":
        x, y = np.asarray(WIDE_WINDOWS_001, float), np.asarray(WIDE_TARGETS_001, float)
        description = (
            "Thirteen windows, ten small ones and three large ones like [20, 30, 40] → 50. "
            "Try predicting [25, 35, 45] with and without scaling."
        )
    else:
        raise ValueError(f"Unknown next_number variant '{variant}': use 'small' or 'wide'.")
    scaler = Scaler.fit(np.concatenate([x.ravel(), y]), scaling) if scaling else None
    xs, ys = (scaler.transform(x), scaler.transform(y)) if scaler else (x, y)
    return Dataset(
        name="next_number",
        x=xs.astype(np.float32)[..., None],
        y=ys.astype(np.float32)[:, None],
        task="regression",
        description=description,
        labels=[f"{_fmt_list(w)} → {_fmt(t)}" for w, t in zip(x, y, strict=True)],
        scaler=scaler,
        feature_scalers=(scaler,) if scaler else None,
        raw_x=x.astype(np.float32),
        raw_y=y.astype(np.float32),
        options=options,
    )


def _columns(series, extra_features, series_name) -> tuple[np.ndarray, list[str]]:
    """The own series and its extra features as one (length, features) table, checked."""
    check_series(series)
    target = parse_numbers(series) if isinstance(series, str) else np.asarray(series, float)
    if target.ndim != 1 or target.size == 0:
        raise ValueError("The series is empty. Give a list of numbers, like 1, 2, 3, 4, 5, 6.")
    name = series_name or "series"
    columns, names = [target], [name]
    if len(extra_features) + 1 > MAX_FEATURES:
        raise ValueError(
            f"Choose at most {MAX_FEATURES} columns as features (you chose "
            f"{len(extra_features) + 1}), so that a window stays readable and trains live."
        )
    for extra_name, values in extra_features:
        column = parse_numbers(values) if isinstance(values, str) else np.asarray(values, float)
        if column.shape != target.shape:
            raise ValueError(
                f"The feature '{extra_name}' has {column.size} values but '{name}' has "
                f"{target.size}: every feature needs one value per step."
            )
        if extra_name in names:
            raise ValueError(f"The feature '{extra_name}' is chosen twice: choose it once.")
        columns.append(column)
        names.append(str(extra_name))
    table = np.stack(columns, axis=1)  # (length, features)
    if not np.all(np.isfinite(table)):
        raise ValueError("The series contains a missing or infinite value (NaN/inf). Remove it.")
    return table, names


def _window_size(size: int, length: int) -> int:
    window(np.zeros(length), size)  # the seed's split_x checks: whole number, long enough
    return int(size)


def _part(
    table: np.ndarray,
    names: list[str],
    size: int,
    rows: range,
    scalers: list[Scaler],
    every_step: bool,
    options: dict,
) -> Dataset:
    """The windows starting at ``rows`` as a Dataset: scaled x, y and the raw numbers."""
    starts = np.asarray(rows, dtype=int)
    steps = starts[:, None] + np.arange(size)  # (n, size) row of each step of each window
    raw_x = table[steps] if len(starts) else np.zeros((0, size, table.shape[1]))  # (n, T, F)
    target = table[:, 0]
    raw_y = target[steps + 1] if every_step else target[starts + size]  # (n, T) | (n,)
    xs = (
        np.stack([s.transform(raw_x[..., f]) for f, s in enumerate(scalers)], -1)
        if scalers
        else raw_x
    )
    ys = scalers[0].transform(raw_y) if scalers else raw_y
    labels = [f"{_fmt_list(table[s : s + size, 0])} → {_fmt(target[s + size])}" for s in starts]
    features = table.shape[1]
    many = f"every step of {size} numbers" if every_step else f"the number after {size}"
    return Dataset(
        name="next_number",
        x=xs.astype(np.float32),
        y=ys.astype(np.float32)[..., None],
        task="regression",
        description=f"Windows cut from your series; predict {many}.",
        labels=labels,
        scaler=scalers[0] if scalers else None,
        feature_scalers=tuple(scalers) or None,
        raw_x=(raw_x[..., 0] if features == 1 else raw_x).astype(np.float32),
        raw_y=raw_y.astype(np.float32),
        series=table if features > 1 else target,  # (length, features) | (length,)
        options=dict(options),
        feature_names=list(names),
        every_step=every_step,
        starts=starts,
    )


def table(ds: Dataset) -> dict[str, list]:
    """The windows as a person reads them, one row per window: x1..xT (with several
    features "639, 4.3", in the order of ``feature_names``), y (the number after the
    window), the targets of every step, and the scaled numbers the network sees."""
    n, size, features = len(ds.x), ds.timesteps, ds.features
    raw = np.asarray(ds.raw_x, float).reshape(n, size, features)  # (n, T, F)
    columns: dict[str, list] = {}
    for t in range(size):
        cells = raw[:, t]  # (n, F)
        columns[f"x{t + 1}"] = (
            [float(v) for v in cells[:, 0]] if features == 1 else [_joined(row) for row in cells]
        )
    columns["y"] = ds.targets()
    if ds.every_step:
        columns["y at every step"] = [_joined(row) for row in np.asarray(ds.raw_y, float)]
    if ds.scaler is not None:
        columns["x scaled"] = ["; ".join(_joined(step, ".2f") for step in row) for row in ds.x]
        ys = ds.y.reshape(n, -1)  # (n, 1) | (n, T)
        columns["y scaled"] = [_joined(row, ".2f") for row in ys]
    return columns


def _joined(values, spec: str = "g") -> str:
    return ", ".join(format(float(v), spec) for v in np.asarray(values).reshape(-1))


def check_series(series: Sequence[float] | str) -> None:
    """A series that is there and not longer than ``MAX_SERIES`` numbers."""
    if isinstance(series, str) and not series.strip():
        raise ValueError(
            "There is no series yet: type numbers separated by commas, "
            "or upload a CSV file with a column of numbers."
        )
    size = (
        len(series.replace(",", " ").replace(";", " ").split())
        if isinstance(series, str)
        else len(series)
    )
    if size > MAX_SERIES:
        raise ValueError(
            f"The series has {size:,} numbers; the limit is {MAX_SERIES:,} so that training "
            f"stays live: keep only the last {MAX_SERIES:,}."
        )


def _replace(ds: Dataset, **changes) -> Dataset:
    import dataclasses

    return dataclasses.replace(ds, **changes)


def _fmt(v: float) -> str:
    return f"{v:g}"


def _fmt_list(values) -> str:
    return "[" + ", ".join(_fmt(float(v)) for v in values) + "]"
