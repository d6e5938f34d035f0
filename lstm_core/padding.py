"""Padding, truncation and masking (seed 002's ``pad_sequences``): what the last state saw.

A recurrent layer answers from its state after the last time step. Padding in front
(``"pre"``) leaves the sentence's words just before that step; padding at the end
(``"post"``) makes the layer read several padding steps after the last word, and its
state drifts while it reads them. A sentence longer than ``maxlen`` loses its first
(``truncating="pre"``) or its last words (``"post"``). With ``mask_zero`` the layer
skips the padding steps: its state passes them unchanged, so the last state is the
state after the last real word, wherever the padding sits.

``CHOICES`` are the eight ways (padding × truncating × mask; ``choices`` drops the
truncating twins when nothing is long enough to cut); ``final_states`` shows one
sentence under each, through a trained model's first recurrent layer. ``masked_trace``
(``trace.trace_layer`` with Keras' masking) lives in ``lstm_core.trace``; it is still
reachable here, loaded on first use. Keras is imported only inside the functions that
need a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core import text
from lstm_core.datasets import Dataset


def __getattr__(name: str):
    if name == "masked_trace":  # moved to lstm_core.trace, which imports Keras on load
        from lstm_core.trace import masked_trace

        return masked_trace
    raise AttributeError(f"module 'lstm_core.padding' has no attribute {name!r}")


@dataclass(frozen=True)
class Choice:
    """One way to bring every sentence to ``maxlen`` steps, and whether the model skips pads."""

    padding: str  # "pre" | "post": where the zeros go
    truncating: str  # "pre" | "post": which end of a long sentence is cut
    mask_zero: bool  # Embedding(mask_zero=True): padding steps are skipped

    def options(self) -> dict:
        """The dataset options of this choice (``text.sentiment``'s keywords)."""
        return {"padding": self.padding, "truncating": self.truncating,
                "mask_zero": self.mask_zero}  # fmt: skip

    @property
    def label(self) -> str:
        mask = "mask on" if self.mask_zero else "no mask"
        return f"pad {self.padding} · cut {self.truncating} · {mask}"


CHOICES = tuple(
    Choice(padding, truncating, mask)
    for mask in (False, True)
    for padding in text.SIDES
    for truncating in text.SIDES
)


@dataclass(frozen=True)
class Seen:
    """One sentence under one choice: the steps the layer got and its state after the last."""

    choice: Choice
    words: list[str]  # per step: the word, or "<pad>"
    known: list[bool]  # per step: the word is in the vocabulary (a padding step counts as known)
    read: np.ndarray  # (T,) bool: the layer read this step (False: a skipped padding step)
    final_h: np.ndarray  # (units,) the layer's hidden state after its last step


def first_layer_trace(model, x: np.ndarray, mask_zero: bool):
    """The trace of the model's first recurrent layer on word indices x (batch, T).

    The layer's input is what it receives inside the model (the Embedding's vectors).
    With ``mask_zero`` the padding steps (index 0) are skipped as Keras skips them;
    without, the layer reads the padding word's vector like any other word.
    """
    import keras

    from lstm_core import models, trace

    layers = models.recurrent_layers(model)
    if not layers:
        raise ValueError("This model has no recurrent layer to look into.")
    layer, x = layers[0], np.asarray(x)
    received = layer.input  # Keras records [inputs, mask] for a layer called with a mask
    received = received[0] if isinstance(received, list | tuple) else received
    inputs = np.asarray(keras.Model(model.input, received)(x, training=False))  # (batch, T, F)
    if not mask_zero:
        return trace.trace_layer(layer, inputs)
    return trace.masked_trace(layer, inputs, x != text.PAD)


def final_states(model, dataset: Dataset, sentence: str, choices=CHOICES) -> list[Seen]:
    """The sentence under each choice, and the first recurrent layer's last hidden state.

    The same trained weights read the sentence padded and cut each way; a choice with the
    mask on skips the padding steps (so it ends on the state after the last real word).
    """
    choices = tuple(choices)
    steps = [text.explain(dataset, sentence, c.padding, c.truncating) for c in choices]
    x = np.asarray([[index for _, index, _ in row] for row in steps], np.int32)  # (choices, T)
    masked = np.asarray([c.mask_zero for c in choices])
    plain = first_layer_trace(model, x, mask_zero=False).h[:, -1]  # (choices, units)
    skipping = first_layer_trace(model, x, mask_zero=True).h[:, -1] if masked.any() else plain
    return [
        Seen(
            choice=choice,
            words=[word for word, _, _ in row],
            known=[known for _, _, known in row],
            read=ids != text.PAD if choice.mask_zero else np.ones(ids.shape, bool),
            final_h=np.array(skipping[i] if choice.mask_zero else plain[i]),
        )
        for i, (choice, row, ids) in enumerate(zip(choices, steps, x, strict=True))
    ]


def choices(cut: bool) -> tuple[Choice, ...]:
    """The choices worth comparing: all eight when some sentence is cut, else the four that
    differ (with nothing to cut, truncating "pre" and "post" give the same data)."""
    return CHOICES if cut else tuple(c for c in CHOICES if c.truncating == "pre")


def anything_cut(dataset: Dataset) -> bool:
    """True when truncating changes the data: some training or held-out sentence is cut."""
    parts = [dataset] if dataset.held_out is None else [dataset, dataset.held_out]
    return any(text.cut_sentences(part) for part in parts)
