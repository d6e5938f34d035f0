"""Datasets: the seeds' exact data, windowing, scaling, encoding and student-sized errors."""

import numpy as np
import pytest

from lstm_core import datasets


def test_sequence_classification_is_seed_000():
    ds = datasets.load("sequence_classification")
    assert ds.x.dtype == np.float32 and ds.x.shape == (6, 6, 1)
    assert ds.x[0, :, 0].tolist() == [0, 1, 1, 0, 0, 0]
    assert ds.x[2, :, 0].tolist() == [0, 0, 0, 0, 3, 3]
    assert ds.y.shape == (6, 4)
    assert ds.y.argmax(1).tolist() == [1, 2, 3, 2, 3, 1]
    assert ds.task == "classification"
    assert ds.targets() == [1, 2, 3, 2, 3, 1]
    assert ds.decode(np.array([0.1, 0.2, 0.9, 0.3])) == 2


def test_next_number_small_and_wide_are_seed_001():
    small = datasets.load("next_number")
    assert small.x.shape == (4, 3, 1) and small.x[:, :, 0].tolist()[0] == [1, 2, 3]
    assert small.y[:, 0].tolist() == [4, 5, 6, 7]
    wide = datasets.load("next_number", variant="wide")
    assert wide.x.shape == (13, 3, 1)
    assert wide.x[-1, :, 0].tolist() == [40, 50, 60] and wide.y[-1, 0] == 70
    assert wide.labels[10] == "[20, 30, 40] → 50"


def test_window_is_split_x():
    x, y = datasets.window(list(range(1, 11)), 4)
    assert x.tolist()[0] == [1, 2, 3, 4] and x.tolist()[-1] == [6, 7, 8, 9]
    assert y.tolist() == [5, 6, 7, 8, 9, 10]
    ds = datasets.load("next_number", series="1, 2, 3, 4, 5, 6, 7", window_size=3)
    assert ds.x.shape == (4, 3, 1) and ds.raw_y.tolist() == [4, 5, 6, 7]


def test_scaling_is_fitted_on_training_windows_and_inverted():
    ds = datasets.load("next_number", variant="wide", scaling="minmax")
    assert ds.x.min() == pytest.approx(0.0) and ds.y.max() == pytest.approx(1.0)
    # the scaler was fitted on the training values 1..70, not on what the user types later
    assert ds.scaler.offset == 1 and ds.scaler.scale == 69
    encoded = ds.encode("25, 35, 45")
    assert encoded.shape == (1, 3, 1)
    np.testing.assert_allclose(encoded[0, :, 0], (np.array([25, 35, 45]) - 1) / 69, rtol=1e-6)
    assert ds.decode(np.array([(55 - 1) / 69])) == pytest.approx(55)
    assert ds.targets()[-1] == 70  # targets shown to people are unscaled
    std = datasets.load("next_number", variant="wide", scaling="standard")
    assert std.x.mean() == pytest.approx(0, abs=0.5) and std.scaler.kind == "standard"


def test_hello_next_character():
    ds = datasets.load("hello")
    assert ds.vocab == ["h", "e", "l", "o"]
    assert ds.x.shape == (1, 4, 4) and ds.y.shape == (1, 4, 4)
    assert ds.x[0].argmax(1).tolist() == [0, 1, 2, 2]  # h e l l
    assert ds.y[0].argmax(1).tolist() == [1, 2, 2, 3]  # e l l o
    assert ds.targets() == ["ello"]
    assert ds.encode("hel").shape == (1, 3, 4)
    other = datasets.load("hello", text="banana")
    assert other.vocab == ["b", "a", "n"] and other.x.shape == (1, 5, 3)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("6, seven, 8", "'seven' is not a number"),
        ("6, 7", "exactly 3 numbers"),
        ("6, 7, 8, 9", "exactly 3 numbers"),
        ("", "empty"),
        ("1, nan, 3", "not a usable number"),
        ("1, inf, 3", "not a usable number"),
    ],
)
def test_bad_number_input_is_explained(raw, message):
    ds = datasets.load("next_number")
    with pytest.raises(ValueError, match=message):
        ds.encode(raw)


def test_bad_sequence_and_text_input_is_explained():
    with pytest.raises(ValueError, match="exactly 6 numbers"):
        datasets.load("sequence_classification").encode("0, 0, 1")
    hello = datasets.load("hello")
    with pytest.raises(ValueError, match="'z' is not in this model's vocabulary"):
        hello.encode("hez")
    with pytest.raises(ValueError, match="at least one character"):
        hello.encode("")
    with pytest.raises(ValueError, match="at least 2 characters"):
        datasets.load("hello", text="h")
    with pytest.raises(ValueError, match="two different characters"):
        datasets.load("hello", text="aaaa")


def test_bad_series_is_explained():
    with pytest.raises(ValueError, match="series is empty"):
        datasets.window([], 3)
    with pytest.raises(ValueError, match="at least 6 numbers"):
        datasets.window([1, 2, 3, 4], 5)
    with pytest.raises(ValueError, match="NaN"):
        datasets.window([1.0, float("nan"), 3.0, 4.0], 2)
    with pytest.raises(ValueError, match="not a number"):
        datasets.load("next_number", series="1, 2, x, 4", window_size=2)
    with pytest.raises(ValueError, match="no dataset called"):
        datasets.load("imagenet")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least 2 characters"),
        ("h", "at least 2 characters"),
        ("aaaa", "two different characters"),
        ("ab" * 41, "80 characters or fewer \\(it has 82\\)"),
        (None, "at least 2 characters"),
    ],
)
def test_bad_hello_text_is_explained(text, message):
    with pytest.raises(ValueError, match=message):
        datasets.load("hello", text=text)
    assert datasets.load("hello", text="ab" * 40).x.shape == (1, 79, 2)  # 80 is allowed
