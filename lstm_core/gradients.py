"""How much each time step still matters to the loss: the vanishing-gradient picture.

Training moves a weight by the gradient of the loss, and the gradient reaches an early
input x_t only by travelling back through every later step. In a SimpleRNN each step
multiplies it by tanh' and the recurrent kernel, so it shrinks geometrically and the
first inputs barely count; the LSTM's cell state c carries it back through the forget
gate alone, so it survives much longer. This module measures exactly that:

* ``step_gradients(model, x, y)[s, t]`` = ‖∂L/∂x_t‖ for sample s, the L2 norm over
  features (over the embedding dimension when the model starts with an Embedding, since
  word indices have no gradient: we differentiate with respect to the word's vector);
* ``cell_gradients(model, x, y)[s, t]`` = ‖∂L/∂c_t‖ over the units of the model's first
  LSTM layer, where c_t counts both as the state handed to step t+1 and as the input of
  h_t = o_t * act(c_t): the usual back-propagated quantity.

L is the sum over samples of each sample's loss, computed with the model's own compiled
loss (``model.loss``) in inference mode (dropout off). A loss that gives one value per
step (a per-step output) is averaged over the steps first, as Keras reduces it; so the
gradient for sample s is the gradient of sample s's own loss.

Scope: plain chains of layers (each layer reads the previous layer's output; the
models ``lstm_core.models.build`` makes), one input and one output, no masking
(``mask_zero``), and for ``cell_gradients`` an LSTM that reads forwards and is not
stateful. TensorFlow and Keras are imported inside the functions so that importing
this module stays cheap.
"""

from __future__ import annotations

import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# ---------------------------------------------------------------- public API


def step_gradients(model, x: object, y: object) -> np.ndarray:
    """‖∂L/∂x_t‖ for every sample and step, shape (samples, timesteps), float64.

    x is (samples, timesteps, features), or (samples, timesteps) word indices for a
    model that starts with an Embedding; y holds the matching targets.
    """
    import tensorflow as tf

    layers = _chain(model)
    x, y = _check_data(model, x, y)
    embeds = _is_embedding(layers[0])
    if embeds:
        inputs = layers[0](x, training=False)  # (samples, T, embedding_dim)
        layers = layers[1:]
    else:
        inputs = tf.convert_to_tensor(x)  # (samples, T, features)
    if inputs.shape.rank != 3:
        raise ValueError(
            "step_gradients needs a model whose input is a sequence: (samples, timesteps, "
            f"features), or word indices (samples, timesteps) read by an Embedding; this "
            f"input has shape {x.shape}."
        )
    loss_of = _per_sample_loss(model)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        loss = tf.reduce_sum(loss_of(y, _run(layers, inputs)))  # sum of per-sample losses
    grad = tape.gradient(loss, inputs, unconnected_gradients="zero")  # (samples, T, features)
    return np.linalg.norm(np.asarray(grad, dtype=np.float64), axis=2)


def cell_gradients(model, x: object, y: object) -> np.ndarray:
    """‖∂L/∂c_t‖ over the units of the first LSTM layer, shape (samples, timesteps), float64.

    The LSTM is replayed one step at a time with its own cell, so that every c_t is a
    tensor of its own whose gradient the tape can give; the layers before it and after
    it run as usual.
    """
    import tensorflow as tf

    layers = _chain(model)
    k = _first_lstm(model, layers)
    lstm = layers[k]
    x, y = _check_data(model, x, y)
    lstm_input = tf.convert_to_tensor(_run(layers[:k], x))  # (samples, T, features)
    loss_of = _per_sample_loss(model)
    with tf.GradientTape() as tape:
        hidden, cells = _unroll_lstm(lstm, lstm_input)  # (samples, T, units), T × (samples, units)
        out = hidden if lstm.return_sequences else hidden[:, -1]
        loss = tf.reduce_sum(loss_of(y, _run(layers[k + 1 :], out)))
    grads = tape.gradient(loss, cells, unconnected_gradients="zero")  # T × (samples, units)
    stacked = np.stack([np.asarray(g, dtype=np.float64) for g in grads], axis=1)
    return np.linalg.norm(stacked, axis=2)  # (samples, T)


# ---------------------------------------------------------------- the model as a chain


def _chain(model) -> list:
    """The model's layers in order, if each one reads the previous one's output."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"This needs a Keras model, but got a {type(model).__name__}.")
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError) as err:  # an unbuilt Sequential has neither
        raise ValueError("The model has not been built yet: give it a keras.Input.") from err
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError("Only models with one input and one output are supported.")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    current = inputs[0]
    for layer in layers:
        if layer.input is not current:
            raise ValueError(
                f"Layer '{layer.name}' does not simply read the previous layer's output; "
                "only models that are a plain chain of layers are supported."
            )
        if getattr(layer, "mask_zero", False) or isinstance(layer, keras.layers.Masking):
            raise ValueError(
                f"Layer '{layer.name}' masks time steps; gradients of masked models are "
                "not supported."
            )
        current = layer.output
    if current is not outputs[0] or not layers:
        raise ValueError("Only models that are a plain chain of layers are supported.")
    return layers


def _run(layers: list, h):
    """Feed h through the layers in order, in inference mode (dropout off)."""
    for layer in layers:
        h = layer(h, training=False)
    return h


def _is_embedding(layer) -> bool:
    import keras

    return isinstance(layer, keras.layers.Embedding)


def _first_lstm(model, layers: list) -> int:
    """Index of the first LSTM layer in the chain, after checking it can be replayed."""
    import keras

    for k, layer in enumerate(layers):
        if isinstance(layer, keras.layers.RNN) and isinstance(layer.cell, keras.layers.LSTMCell):
            if layer.go_backwards:
                raise ValueError(
                    f"LSTM layer '{layer.name}' reads the sequence backwards "
                    "(go_backwards=True); cell gradients support forward LSTMs only."
                )
            if layer.stateful or layer.return_state:
                raise ValueError(
                    f"LSTM layer '{layer.name}' is stateful or returns its states; cell "
                    "gradients support plain LSTM layers only."
                )
            return k
    raise ValueError(
        f"Model '{model.name}' has no LSTM layer, and only an LSTM has a cell state c "
        "whose gradient could be measured."
    )


def _unroll_lstm(layer, x) -> tuple:
    """Replay an LSTM layer step by step with its own cell, from zero states.

    Returns the hidden states stacked (samples, T, units) and the list of the T cell
    states c_t, each (samples, units). Each c_t is the very tensor the cell used both
    to make h_t and as the state for step t+1, so its gradient is the full ∂L/∂c_t
    (a tf.identity(c_t) taken afterwards would see only the path to step t+1).
    """
    import tensorflow as tf

    batch, units = x.shape[0], layer.cell.units
    hidden = tf.zeros((batch, units), dtype=x.dtype)  # (samples, units)
    cell = tf.zeros((batch, units), dtype=x.dtype)
    hiddens, cells = [], []
    for t in range(x.shape[1]):
        _, (hidden, cell) = layer.cell(x[:, t], [hidden, cell], training=False)
        hiddens.append(hidden)
        cells.append(cell)
    return tf.stack(hiddens, axis=1), cells


# ---------------------------------------------------------------- data and loss


def _check_data(model, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """x and y as arrays, after checking them against the model's input shape."""
    expected = tuple(model.inputs[0].shape)  # (None, T or None[, features])
    dtype = model.inputs[0].dtype
    try:
        x_arr, y_arr = np.asarray(x), np.asarray(y)
    except (TypeError, ValueError) as err:
        raise ValueError("x and y must be arrays of numbers.") from err
    declared = "(" + ", ".join("any" if d is None else str(d) for d in expected) + ")"
    fits = x_arr.ndim == len(expected) and all(
        want is None or want == got for want, got in zip(expected[1:], x_arr.shape[1:], strict=True)
    )
    if not fits:
        raise ValueError(
            f"This model expects input of shape {declared} (first number = samples), "
            f"but x has shape {x_arr.shape}."
        )
    if x_arr.shape[0] == 0 or y_arr.ndim == 0 or y_arr.shape[0] != x_arr.shape[0]:
        raise ValueError(
            f"x has {x_arr.shape[0]} samples but y has "
            f"{y_arr.shape[0] if y_arr.ndim else 'no'} targets; give one target per sample "
            "(and at least one sample)."
        )
    if "int" in str(dtype) and not np.array_equal(x_arr, np.round(x_arr)):
        raise ValueError("This model reads word indices, so x must hold whole numbers.")
    return x_arr.astype(str(dtype)), y_arr


def _per_sample_loss(model):
    """A function (y_true, y_pred) -> (samples,) with the model's own compiled loss."""
    import keras

    identifier = getattr(model, "loss", None)
    if isinstance(identifier, list | tuple | dict) and len(identifier) == 1:
        identifier = next(iter(identifier.values() if isinstance(identifier, dict) else identifier))
    if identifier is None:
        raise ValueError("The model has no loss yet: compile it with a loss first.")
    if isinstance(identifier, list | tuple | dict):
        raise ValueError(f"The model has several losses ({identifier!r}); give it one.")
    try:
        loss = keras.losses.get(identifier)
    except ValueError as err:
        raise ValueError(f"The model's loss {identifier!r} is not one Keras knows.") from err

    def per_sample(y_true, y_pred):
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        if isinstance(loss, keras.losses.Loss):
            values = loss.call(y_true, y_pred)  # a Loss' call is unreduced
        else:
            values = loss(*_same_rank(y_true, y_pred))  # (samples,) or (samples, T)
        if len(values.shape) > 1:
            values = keras.ops.mean(values, axis=tuple(range(1, len(values.shape))))
        return values  # (samples,)

    return per_sample


def _same_rank(y_true, y_pred) -> tuple:
    """Keras' own squeeze-or-expand: (samples,) targets against (samples, 1) outputs."""
    import keras

    a, b = y_true, y_pred
    if len(a.shape) == len(b.shape) + 1 and a.shape[-1] == 1:
        a, b = (a, keras.ops.expand_dims(b, -1)) if len(b.shape) == 1 else (a[..., 0], b)
    elif len(b.shape) == len(a.shape) + 1 and b.shape[-1] == 1:
        a, b = (keras.ops.expand_dims(a, -1), b) if len(a.shape) == 1 else (a, b[..., 0])
    return a, b
