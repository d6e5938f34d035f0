"""Sentences as word indices, for seeds 002 and 004's Embedding + SimpleRNN/LSTM on reviews.

The seeds train on IMDB, which needs a 17 MB download a classroom machine may not have,
so the app ships its own small corpus (``assets/sentiment/sentences.csv``: short
original reviews of films, food, places and things, positive or negative, with a fixed
train/test split). A sentence becomes words (``tokenize``), words become indices into a
vocabulary built from the training split only (``build_vocabulary``, ``to_indices``:
0 is padding, 1 an unknown word), and the index lists are padded to one length with
Keras' own ``pad_sequences`` (``pad``), exactly as the seeds do: zeros in front or at the
end (``padding="pre"|"post"``), and a sentence longer than ``maxlen`` loses its first or
its last words (``truncating="pre"|"post"``). ``mask_zero`` asks the model to skip the
padding steps (``Embedding(mask_zero=True)``; ``embedding_options`` gives the Embedding's
arguments). ``sentiment`` returns it all as a ``Dataset`` whose ``encoder`` turns a
sentence a student types into the model's input, and ``explain`` shows which word sits at
which time step.
Keras is imported only inside ``pad`` and the IMDB loader, so this module imports fast.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from lstm_core.datasets import Dataset

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CORPUS_PATH = Path(__file__).resolve().parents[1] / "assets" / "sentiment" / "sentences.csv"
PAD, OOV = 0, 1
PAD_WORD, OOV_WORD = "<pad>", "<oov>"
CLASS_NAMES = ["negative", "positive"]  # class 0, class 1 (IMDB's order too)
SOURCES = ("shipped", "imdb")
SIDES = ("pre", "post")
MAXLEN_RANGE = (2, 200)  # steps a sentence is padded or cut to
MAX_CHARS = 200  # longest sentence a student may type
IMDB_TRAIN, IMDB_TEST = 2000, 500  # reviews taken from the front of each IMDB split
IMDB_START, IMDB_OOV, IMDB_INDEX_FROM = 1, 2, 3  # keras.datasets.imdb's defaults
EMPTY_SENTENCE = "Type a sentence of at least one word, like 'a wonderful film'."
IMDB_OFFLINE = (
    "The IMDB reviews could not be downloaded (is this machine offline?). "
    "Use the shipped corpus instead: datasets.load('sentiment')."
)


# ---------------------------------------------------------------------------
# Words and indices
# ---------------------------------------------------------------------------


def tokenize(sentence: str) -> list[str]:
    """Lowercase words: runs of letters, digits and apostrophes ("Don't stop!" -> don't, stop)."""
    return re.findall(r"[a-z0-9']+", sentence.lower())


def build_vocabulary(sentences: Iterable[str], max_words: int) -> list[str]:
    """Index -> word: "<pad>", "<oov>", then the most frequent words (ties alphabetical).

    At most ``max_words`` entries in total, so a model's Embedding has ``max_words`` rows.
    """
    if isinstance(max_words, bool) or int(max_words) != max_words or max_words < 2:
        raise ValueError(f"The vocabulary needs room for at least 2 words (got {max_words}).")
    counts = Counter(word for sentence in sentences for word in tokenize(sentence))
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    return [PAD_WORD, OOV_WORD, *ranked[: int(max_words) - 2]]


def to_indices(words: Sequence[str], vocabulary: Sequence[str]) -> list[int]:
    """Words -> their vocabulary indices; a word the vocabulary lacks becomes ``OOV``."""
    index = {word: i for i, word in enumerate(vocabulary)}
    return [index.get(word, OOV) for word in words]


def pad(
    sequences: Sequence[Sequence[int]],
    maxlen: int,
    padding: str = "pre",
    truncating: str = "pre",
) -> np.ndarray:
    """Index lists of any length -> int32 (n, maxlen), by Keras' own ``pad_sequences``.

    ``padding="pre"`` puts the zeros in front (the words end at the last step, next to
    the output); ``truncating="pre"`` drops the first words of a sentence that is too long.
    """
    import keras

    _check_options(maxlen=maxlen, padding=padding, truncating=truncating)
    if len(sequences) == 0:
        return np.zeros((0, int(maxlen)), dtype=np.int32)
    return keras.utils.pad_sequences(
        [list(s) for s in sequences],
        maxlen=int(maxlen),
        padding=padding,
        truncating=truncating,
        value=0,
        dtype="int32",
    )


def _check_options(
    maxlen: int = 16,
    max_words: int = 500,
    padding: str = "pre",
    truncating: str = "pre",
    mask_zero: bool = False,
) -> None:
    for name, value, lo, hi in (
        ("maxlen", maxlen, *MAXLEN_RANGE),
        ("max_words", max_words, 10, 20000),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not (lo <= value <= hi)
        ):
            raise ValueError(f"The {name} must be a whole number from {lo} to {hi} (got {value}).")
    for name, value in (("padding", padding), ("truncating", truncating)):
        if value not in SIDES:
            raise ValueError(
                f"The {name} must be 'pre' (at the front) or 'post' (at the end), not {value!r}."
            )
    if not isinstance(mask_zero, bool | np.bool_):
        raise ValueError(
            f"The mask_zero option must be True (skip the padding) or False, not {mask_zero!r}."
        )


def embedding_options(dataset: Dataset) -> dict:
    """The Embedding's arguments the dataset asks for: ``{"mask_zero": True}`` makes every
    recurrent layer after it skip the padding steps (its state passes them unchanged)."""
    return {"mask_zero": bool(dataset.options.get("mask_zero", False))}


def _words_of(sentence) -> list[str]:
    """A typed sentence -> its words, or a ValueError a student can act on."""
    if not isinstance(sentence, str):
        raise ValueError(EMPTY_SENTENCE)
    if len(sentence) > MAX_CHARS:
        raise ValueError(
            f"Keep the sentence to {MAX_CHARS} characters or fewer (it has {len(sentence)})."
        )
    words = tokenize(sentence)
    if not words:
        raise ValueError(EMPTY_SENTENCE)
    return words


def make_encoder(
    vocabulary: Sequence[str], options: dict, start: int | None = None, oov: int = OOV
) -> Callable[[str], np.ndarray]:
    """A function: typed sentence -> int32 (1, maxlen), encoded like the training data.

    A ``functools.partial`` of a module function rather than a closure, so a Dataset
    holding it can be pickled (Streamlit's data cache and the job workers pickle them).
    """
    index = {word: i for i, word in enumerate(vocabulary)}
    prefix = () if start is None else (start,)
    return functools.partial(_encode, index=index, prefix=prefix, oov=oov, options=dict(options))


def _encode(sentence: str, *, index: dict, prefix: tuple, oov: int, options: dict) -> np.ndarray:
    ids = [*prefix, *(index.get(word, oov) for word in _words_of(sentence))]
    return pad([ids], options["maxlen"], options["padding"], options["truncating"])


def encode_as(dataset: Dataset, sentence: str, padding: str, truncating: str) -> np.ndarray:
    """The sentence as ``dataset.encoder`` gives it, but padded and cut another way.

    int32 (1, maxlen): the same words and indices, placed by ``pad(..., padding,
    truncating)`` (the encoder of ``make_encoder`` takes its options as a keyword).
    """
    _check_options(padding=padding, truncating=truncating)
    options = {**dataset.options, "padding": padding, "truncating": truncating}
    return dataset.encoder(sentence, options=options)


def explain(
    dataset: Dataset, sentence: str, padding: str | None = None, truncating: str | None = None
) -> list[tuple[str, int, bool]]:
    """(word shown, index, known) for each of the model's time steps of a typed sentence.

    Padding steps are ("<pad>", 0, True); a word outside the vocabulary keeps its typed
    text with index OOV and known False. Positions follow ``pad`` exactly: the steps are
    found by padding the word positions themselves with the dataset's own options (or
    with ``padding`` / ``truncating`` when given, as ``encode_as`` places them).
    """
    opts = {**dataset.options}
    opts["padding"] = opts["padding"] if padding is None else padding
    opts["truncating"] = opts["truncating"] if truncating is None else truncating
    ids = encode_as(dataset, sentence, opts["padding"], opts["truncating"])[0]  # (maxlen,)
    shown = _words_of(sentence)
    if opts.get("source") == "imdb":
        shown = [dataset.words[IMDB_START], *shown]  # load_data starts every review with 1
    positions = pad([range(1, len(shown) + 1)], opts["maxlen"], opts["padding"], opts["truncating"])
    oov = dataset.words.index(OOV_WORD)
    steps = []
    for position, i in zip(positions[0], ids, strict=True):  # (maxlen,) each
        if position == 0:
            steps.append((PAD_WORD, PAD, True))
        else:
            steps.append((shown[position - 1], int(i), int(i) != oov))
    return steps


def cut_sentences(dataset: Dataset) -> int:
    """How many of the dataset's sentences are longer than ``maxlen`` and lose words.

    Counted on the typed sentences of the shipped corpus (IMDB's texts are kept already cut).
    """
    maxlen = dataset.options["maxlen"]
    return sum(len(tokenize(sentence)) > maxlen for sentence in dataset.labels)


# ---------------------------------------------------------------------------
# The shipped corpus
# ---------------------------------------------------------------------------


def read_corpus(path: Path | None = None) -> list[tuple[str, str, str]]:
    """The (text, label, split) rows of the shipped corpus, checked line by line."""
    path = CORPUS_PATH if path is None else Path(path)
    damaged = f"The sentiment corpus {path} is damaged"
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or not {"text", "label", "split"} <= set(
                reader.fieldnames
            ):
                raise ValueError(f"{damaged}: its first line must be text,label,split.")
            rows = [(r["text"], r["label"], r["split"]) for r in reader]
    except FileNotFoundError:
        raise ValueError(
            f"The sentiment corpus is missing (looked for {path}). Restore "
            "assets/sentiment/sentences.csv from the project."
        ) from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{damaged} ({err}). Restore it from the project.") from None
    for line, (text, label, split) in enumerate(rows, start=2):
        if (
            not text
            or not tokenize(text)
            or label not in CLASS_NAMES
            or split
            not in (
                "train",
                "test",
            )
        ):
            raise ValueError(
                f"{damaged} at line {line}: each line needs a sentence, a label "
                "(positive or negative) and a split (train or test)."
            )
    return rows


def _part(
    sentences: list[str], classes: np.ndarray, x: np.ndarray, common: dict, held_out=None
) -> Dataset:
    return Dataset(
        x=x,  # (n, maxlen) int32 word indices
        y=np.eye(len(CLASS_NAMES), dtype=np.float32)[classes],  # (n, 2) one-hot
        labels=list(sentences),
        raw_y=classes.astype(np.float32),
        held_out=held_out,
        **common,
    )


def sentiment(
    source: str = "shipped",
    max_words: int = 500,
    maxlen: int = 16,
    padding: str = "pre",
    truncating: str = "pre",
    mask_zero: bool = False,
) -> Dataset:
    """Positive or negative? Short sentences as padded word indices, with a held-out part.

    ``source="shipped"`` reads the app's own corpus (works offline); ``source="imdb"``
    downloads the seeds' IMDB reviews through Keras. With the defaults, an LSTM(32) over
    a 32-number Embedding trained 10 epochs at learning rate 0.005 gets about 4 in 5
    held-out sentences right (a SimpleRNN about 3 in 5); rarer words become ``<oov>``.
    The longest shipped sentence has 13 words, so the default ``maxlen=16`` cuts none;
    ``mask_zero`` travels in ``options`` for the model's Embedding (``embedding_options``).
    """
    _check_options(maxlen, max_words, padding, truncating, mask_zero)
    options = {
        "source": source,
        "max_words": int(max_words),
        "maxlen": int(maxlen),
        "padding": padding,
        "truncating": truncating,
        "mask_zero": bool(mask_zero),
    }
    if source == "imdb":
        return _imdb(options)
    if source != "shipped":
        raise ValueError(f"Unknown source {source!r}: choose 'shipped' or 'imdb'.")
    rows = read_corpus()
    parts = {
        split: [(text, CLASS_NAMES.index(label)) for text, label, s in rows if s == split]
        for split in ("train", "test")
    }
    words = build_vocabulary([text for text, _ in parts["train"]], options["max_words"])
    n_train, n_test = len(parts["train"]), len(parts["test"])
    common = dict(
        name="sentiment",
        task="classification",
        description=(
            f"{n_train + n_test} short reviews written for this app, positive or negative "
            f"({n_train} to train on, {n_test} held out). Each word becomes its index in a "
            f"{len(words)}-word vocabulary of the training sentences, and every sentence is "
            f"padded or cut to {maxlen} steps."
        ),
        class_names=list(CLASS_NAMES),
        words=words,
        encoder=make_encoder(words, options),
        options=options,
    )

    def encoded(split: str) -> Dataset:
        texts = [text for text, _ in parts[split]]
        classes = np.asarray([c for _, c in parts[split]], dtype=np.int64)
        x = pad([to_indices(tokenize(t), words) for t in texts], maxlen, padding, truncating)
        return _part(texts, classes, x, common)

    return dataclasses.replace(encoded("train"), held_out=encoded("test"))


# ---------------------------------------------------------------------------
# IMDB, as in the seeds
# ---------------------------------------------------------------------------


def _imdb(options: dict) -> Dataset:
    """The first IMDB_TRAIN / IMDB_TEST reviews of keras.datasets.imdb, padded like the seeds."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(
            num_words=options["max_words"]
        )
        word_index = keras.datasets.imdb.get_word_index()
    except Exception as err:  # get_file raises plain Exception, URLError, OSError, ...
        raise ValueError(IMDB_OFFLINE) from err
    words = imdb_words(word_index, options["max_words"])
    common = dict(
        name="sentiment",
        task="classification",
        description=(
            f"The first {IMDB_TRAIN} training and {IMDB_TEST} test reviews of the IMDB film "
            f"reviews the seeds use, positive or negative. Only the {len(words)} most frequent "
            f"words are kept and every review is cut or padded to {options['maxlen']} steps."
        ),
        class_names=list(CLASS_NAMES),
        words=words,
        encoder=make_encoder(words, options, start=IMDB_START, oov=IMDB_OOV),
        options=options,
    )

    def encoded(reviews, labels, n: int) -> Dataset:
        x = pad(list(reviews[:n]), options["maxlen"], options["padding"], options["truncating"])
        texts = [" ".join(words[i] for i in row if i != PAD) for row in x]
        return _part(texts, np.asarray(labels[:n], dtype=np.int64), x, common)

    train = encoded(x_train, y_train, IMDB_TRAIN)
    return dataclasses.replace(train, held_out=encoded(x_test, y_test, IMDB_TEST))


def imdb_words(word_index: dict[str, int], max_words: int) -> list[str]:
    """Index -> word for keras.datasets.imdb with index_from=3: 0 pad, 1 start, 2 oov, 3 unused."""
    words = [PAD_WORD, "<start>", OOV_WORD, "<unused>"] + [""] * (max_words - 4)
    for word, rank in word_index.items():
        i = rank + IMDB_INDEX_FROM
        if i < max_words:
            words[i] = word
    return words
