"""The shipped sentiment corpus and its loader: words, indices, Keras' padding, IMDB offline."""

import csv
import sys
import urllib.error

import numpy as np
import pytest

from lstm_core import datasets, models, text, training


@pytest.fixture(scope="module")
def ds():
    return text.sentiment()


@pytest.fixture(scope="module")
def rows():
    with open(text.CORPUS_PATH, newline="", encoding="ascii") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def test_corpus_is_balanced_split_and_disjoint(rows):
    assert 400 <= len(rows) <= 500
    count = {(s, c): 0 for s in ("train", "test") for c in ("positive", "negative")}
    for row in rows:
        count[row["split"], row["label"]] += 1
        assert 4 <= len(text.tokenize(row["text"])) <= 14, row["text"]
    assert all(n > 0 for n in count.values())  # both classes in both splits
    assert count["train", "positive"] == count["train", "negative"]
    assert 0.15 <= (count["test", "positive"] + count["test", "negative"]) / len(rows) <= 0.25
    train = {r["text"].lower() for r in rows if r["split"] == "train"}
    test = {r["text"].lower() for r in rows if r["split"] == "test"}
    assert not train & test
    assert len(train) + len(test) == len(rows)  # no duplicates either


def test_sentiment_loads_offline_with_the_datasets_fields(ds, rows):
    n_train = sum(r["split"] == "train" for r in rows)
    assert ds.name == "sentiment" and ds.task == "classification" and ds.tokens
    assert ds.x.dtype == np.int32 and ds.x.shape == (n_train, 16)
    assert ds.y.dtype == np.float32 and ds.y.shape == (n_train, 2)
    assert ds.class_names == ["negative", "positive"]
    assert ds.labels == [r["text"] for r in rows if r["split"] == "train"]
    expected = [1.0 if r["label"] == "positive" else 0.0 for r in rows if r["split"] == "train"]
    assert ds.raw_y.dtype == np.float32 and ds.raw_y.tolist() == expected
    assert ds.y.argmax(1).tolist() == ds.raw_y.astype(int).tolist()
    assert ds.options == {"source": "shipped", "max_words": 500, "maxlen": 16,
                          "padding": "pre", "truncating": "pre", "mask_zero": False}  # fmt: skip
    assert ds.words[:2] == ["<pad>", "<oov>"] and len(ds.words) <= 500
    assert int(ds.x.max()) < len(ds.words)
    test = ds.held_out
    assert test.x.shape == (len(rows) - n_train, 16) and test.x.dtype == np.int32
    assert test.words is ds.words and test.held_out is None
    assert set(test.raw_y.tolist()) == {0.0, 1.0}
    assert datasets.load("sentiment").x.shape == ds.x.shape  # through the registry


def test_vocabulary_comes_from_the_training_split_only(rows):
    ds = text.sentiment(max_words=20000, maxlen=20)  # every training word, no truncation
    train_words = {w for r in rows if r["split"] == "train" for w in text.tokenize(r["text"])}
    assert set(ds.words[2:]) == train_words
    test_tokens = [text.tokenize(s) for s in ds.held_out.labels]
    only_in_test = {w for t in test_tokens for w in t} - train_words
    assert only_in_test  # the split really holds words the model never saw
    unknown = sum(w in only_in_test for t in test_tokens for w in t)
    assert int((ds.held_out.x == text.OOV).sum()) == unknown


# ---------------------------------------------------------------------------
# Words, indices, padding
# ---------------------------------------------------------------------------


def test_tokenize_lowercases_and_keeps_apostrophes():
    assert text.tokenize("Don't stop, it's GREAT!! 10/10") == ["don't", "stop", "it's",
                                                               "great", "10", "10"]  # fmt: skip
    assert text.tokenize("  ...  ") == []


def test_build_vocabulary_orders_by_frequency_then_alphabet():
    vocab = text.build_vocabulary(["b a c", "c b", "c d"], max_words=10)
    assert vocab == ["<pad>", "<oov>", "c", "b", "a", "d"]  # c 3, b 2, then a/d alphabetical
    assert text.build_vocabulary(["b a c", "c b", "c d"], max_words=4) == [
        "<pad>", "<oov>", "c", "b"]  # fmt: skip
    assert text.to_indices(["c", "zebra", "b"], vocab) == [2, text.OOV, 3]
    with pytest.raises(ValueError, match="at least 2"):
        text.build_vocabulary(["a"], max_words=1)


def test_pad_places_and_cuts_like_keras_pad_sequences():
    seqs = [[1, 2, 3, 4, 5], [6, 7]]
    assert text.pad(seqs, 3).tolist() == [[3, 4, 5], [0, 6, 7]]
    assert text.pad(seqs, 3, padding="post").tolist() == [[3, 4, 5], [6, 7, 0]]
    assert text.pad(seqs, 3, truncating="post").tolist() == [[1, 2, 3], [0, 6, 7]]
    out = text.pad(seqs, 4, padding="post", truncating="post")
    assert out.dtype == np.int32 and out.tolist() == [[1, 2, 3, 4], [6, 7, 0, 0]]
    with pytest.raises(ValueError, match="'pre'"):
        text.pad(seqs, 3, padding="middle")


def test_encoder_maps_unknown_words_to_oov_without_error(ds):
    x = ds.encoder("What a wonderful zzyzx film")
    assert x.shape == (1, 16) and x.dtype == np.int32
    index = {w: i for i, w in enumerate(ds.words)}
    assert x[0, -5:].tolist() == [index["what"], index["a"], index["wonderful"], text.OOV,
                                  index["film"]]  # fmt: skip
    assert (x[0, :-5] == text.PAD).all()  # padded in front
    assert np.array_equal(ds.encode("What a wonderful zzyzx film"), x)  # Dataset.encode uses it
    assert (ds.encoder("qwxz vbnm")[0, -2:] == text.OOV).all()


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("", "at least one word"),
        ("   \n", "at least one word"),
        ("?!...", "at least one word"),
        (None, "at least one word"),
        ("great " * 40, "200 characters"),
    ],  # fmt: skip
)
def test_encoder_rejects_what_is_not_a_sentence(ds, sentence, message):
    with pytest.raises(ValueError, match=message):
        ds.encoder(sentence)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"maxlen": 1}, "maxlen"),
        ({"maxlen": 201}, "maxlen"),
        ({"maxlen": 2.5}, "maxlen"),
        ({"maxlen": True}, "maxlen"),
        ({"max_words": 9}, "max_words"),
        ({"max_words": 20001}, "max_words"),
        ({"padding": "middle"}, "padding"),
        ({"truncating": "both"}, "truncating"),
        ({"truncating": None}, "truncating"),
        ({"mask_zero": "yes"}, "mask_zero"),
        ({"mask_zero": 1}, "mask_zero"),
        ({"mask_zero": None}, "mask_zero"),
        ({"source": "web"}, "Unknown source"),
    ],  # fmt: skip
)
def test_bad_options_raise_a_sentence_the_catalog_knows(options, message):
    with pytest.raises(ValueError, match=message) as raised:
        text.sentiment(**options)
    assert any(template.fullmatch(str(raised.value)) for template in error_templates()), (
        f"no error.* template in assets/i18n/en matches: {raised.value}"
    )


def error_templates() -> list:
    """The English ``error.*`` templates of the catalog as regexes ({name} = any text)."""
    import re
    import tomllib

    catalog = {}
    for path in (text.CORPUS_PATH.parents[1] / "i18n" / "en").glob("*.toml"):
        catalog.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return [
        re.compile(".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", template)), re.S)
        for key, template in catalog.items()
        if key.startswith("error.")
    ]


# ---------------------------------------------------------------------------
# Padding, truncating, max length and the mask, as Keras' pad_sequences does them
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("maxlen", [4, 8, 16])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_the_corpus_is_padded_and_cut_exactly_as_keras_pad_sequences(maxlen, padding, truncating):
    import keras

    ds = text.sentiment(maxlen=maxlen, padding=padding, truncating=truncating)
    for part in (ds, ds.held_out):
        indices = [text.to_indices(text.tokenize(s), ds.words) for s in part.labels]
        expected = keras.utils.pad_sequences(
            indices, maxlen=maxlen, padding=padding, truncating=truncating, value=0.0
        )  # Keras' own defaults but maxlen, padding and truncating
        np.testing.assert_array_equal(part.x, expected)
        assert part.x.dtype == np.int32
    assert ds.options["padding"] == padding and ds.options["truncating"] == truncating


def test_a_short_max_length_really_cuts_and_the_default_cuts_nothing():
    longest = max(len(text.tokenize(s)) for s in text.sentiment().labels)
    assert longest < 16  # the default keeps every word: today's data unchanged
    assert text.cut_sentences(text.sentiment()) == 0
    short = text.sentiment(maxlen=6)
    lengths = [len(text.tokenize(s)) for s in short.labels]
    assert text.cut_sentences(short) == sum(n > 6 for n in lengths) > len(lengths) // 2
    assert (short.x != text.PAD).all(axis=1).sum() >= text.cut_sentences(short)  # full rows
    pre, post = short, text.sentiment(maxlen=6, truncating="post")
    cut = [i for i, n in enumerate(lengths) if n > 6]
    assert not np.array_equal(pre.x[cut], post.x[cut])  # different words survive
    kept = [i for i, n in enumerate(lengths) if n <= 6]
    np.testing.assert_array_equal(pre.x[kept], post.x[kept])  # uncut sentences: identical


def test_mask_zero_travels_in_the_options_for_the_embedding():
    assert text.embedding_options(text.sentiment()) == {"mask_zero": False}
    masked = text.sentiment(mask_zero=True)
    assert masked.options["mask_zero"] is True
    assert text.embedding_options(masked) == {"mask_zero": True}
    np.testing.assert_array_equal(masked.x, text.sentiment().x)  # the data itself is the same
    assert text.embedding_options(datasets.load("sequence_classification")) == {"mask_zero": False}


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_encode_as_places_a_typed_sentence_as_that_dataset_would(padding, truncating):
    base = text.sentiment(maxlen=5)
    other = text.sentiment(maxlen=5, padding=padding, truncating=truncating)
    for sentence in ("a wonderful film", "the plot was slow but the ending was wonderful"):
        np.testing.assert_array_equal(
            text.encode_as(base, sentence, padding, truncating), other.encoder(sentence)
        )
        assert text.explain(base, sentence, padding, truncating) == text.explain(other, sentence)
    with pytest.raises(ValueError, match="padding"):
        text.encode_as(base, "a film", "middle", "pre")


def test_explain_follows_pre_padding_and_keeps_typed_unknown_words(ds):
    steps = text.explain(ds, "Never boring, a zzyzx film")
    assert len(steps) == 16
    assert steps[:11] == [("<pad>", 0, True)] * 11
    assert [w for w, _, _ in steps[11:]] == ["never", "boring", "a", "zzyzx", "film"]
    assert steps[14] == ("zzyzx", text.OOV, False)
    assert [i for _, i, _ in steps] == ds.encoder("Never boring, a zzyzx film")[0].tolist()
    assert all(known for w, _, known in steps if w != "zzyzx")


@pytest.mark.parametrize(
    ("padding", "truncating", "shown"),
    [("pre", "pre", ["<pad>", "one", "two"]), ("post", "post", ["one", "two", "<pad>"])],
)
def test_explain_follows_post_padding(padding, truncating, shown):
    ds = text.sentiment(maxlen=3, padding=padding, truncating=truncating)
    assert [w for w, _, _ in text.explain(ds, "One two")] == shown


@pytest.mark.parametrize(
    ("truncating", "kept"), [("pre", ["c", "d", "e"]), ("post", ["a", "b", "c"])]
)
def test_explain_follows_truncation(truncating, kept):
    ds = text.sentiment(maxlen=3, truncating=truncating)
    steps = text.explain(ds, "a b c d e")
    assert [w for w, _, _ in steps] == kept
    assert [i for _, i, _ in steps] == ds.encoder("a b c d e")[0].tolist()


# ---------------------------------------------------------------------------
# A damaged corpus and the IMDB path (never downloads anything)
# ---------------------------------------------------------------------------


def test_missing_or_damaged_corpus_raises_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(text, "CORPUS_PATH", tmp_path / "nothing.csv")
    with pytest.raises(ValueError, match="missing"):
        text.sentiment()
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label,split\nA fine film,maybe,train\n", encoding="utf-8")
    monkeypatch.setattr(text, "CORPUS_PATH", bad)
    with pytest.raises(ValueError, match="damaged at line 2"):
        text.sentiment()
    bad.write_text("sentence,class\nA fine film,positive\n", encoding="utf-8")
    with pytest.raises(ValueError, match="text,label,split"):
        text.sentiment()


def _offline(*args, **kwargs):
    raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -3]")


@pytest.mark.parametrize(
    "error", [_offline, urllib.error.URLError("offline"), OSError("Network is unreachable")]
)
def test_imdb_offline_says_what_to_do(monkeypatch, error):
    import keras

    if callable(error):  # as Keras' own get_file fails without a network
        loader_module = sys.modules[keras.datasets.imdb.load_data.__module__]
        monkeypatch.setattr(loader_module, "get_file", error)
        monkeypatch.setattr(keras.utils, "get_file", error)
    else:

        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(keras.datasets.imdb, "load_data", fail)
    with pytest.raises(ValueError, match=r"could not be downloaded .*datasets.load\('sentiment'\)"):
        text.sentiment(source="imdb")


def test_imdb_is_padded_and_decodes_through_its_word_index(monkeypatch):
    import keras

    word_index = {"the": 1, "film": 2, "great": 3, "boring": 4, "rare": 50}
    reviews = np.empty(3, dtype=object)  # what load_data gives: start, then rank + 3
    reviews[:] = [[1, 4, 5, 6], [1, 4, 5, 7, 2], [1, 6]]

    def load_data(num_words):
        assert num_words == 10
        return (reviews, np.array([1, 0, 1])), (reviews[:2], np.array([1, 0]))

    monkeypatch.setattr(keras.datasets.imdb, "load_data", load_data)
    monkeypatch.setattr(keras.datasets.imdb, "get_word_index", lambda: word_index)
    ds = text.sentiment(source="imdb", max_words=10, maxlen=4)
    assert ds.words[:8] == ["<pad>", "<start>", "<oov>", "<unused>", "the", "film", "great",
                            "boring"] and len(ds.words) == 10  # fmt: skip
    assert ds.x.tolist() == [[1, 4, 5, 6], [4, 5, 7, 2], [0, 0, 1, 6]]
    assert ds.labels[0] == "<start> the film great" and ds.labels[1] == "the film boring <oov>"
    assert ds.raw_y.tolist() == [1.0, 0.0, 1.0] and ds.held_out.x.shape == (2, 4)
    assert ds.encoder("Great rare")[0].tolist() == [0, 1, 6, 2]
    assert text.explain(ds, "Great rare") == [("<pad>", 0, True), ("<start>", 1, True),
                                              ("great", 6, True), ("rare", 2, False)]  # fmt: skip


# ---------------------------------------------------------------------------
# It learns
# ---------------------------------------------------------------------------


def test_an_lstm_learns_the_shipped_corpus(ds):
    """Held-out accuracy measured 0.78-0.83 over seeds 0-9; chance is 0.5."""
    spec = models.ModelSpec(cell="lstm", units=32, embedding_dim=32)
    model = models.build(spec, ds, seed=0)
    config = training.TrainConfig(epochs=10, batch_size=32, learning_rate=0.005, seed=0)
    result = training.train(model, ds, config)
    assert result.history["accuracy"][-1] > 0.9
    predicted = model.predict(ds.held_out.x, verbose=0).argmax(axis=1)  # (n_test,)
    assert (predicted == ds.held_out.raw_y).mean() >= 0.7
    assert ds.decode(model.predict(ds.encoder("What a wonderful, lovely film"), verbose=0)) == 1
