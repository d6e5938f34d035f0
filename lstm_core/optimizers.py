"""Adam, RMSprop and SGD as pure tensor updates, each exactly as ``keras.optimizers``.

The compiled training loop (``lstm_core.training``) carries the weights and the optimizer's
state as arguments, and the TensorFlow backend refuses ``optimizer.stateless_apply``; so
each optimizer is one function ``update(opt, grads, weights) -> (new weights, new opt)``
with Keras' defaults. ``opt`` holds ``iteration``, ``learning_rate`` and one ``momentum``
and ``velocity`` tensor per weight (an optimizer uses what it needs). TensorFlow is
imported inside the functions.
"""

from __future__ import annotations


def adam(opt: dict, grads: list, weights: list, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One step of ``keras.optimizers.Adam`` (defaults, no amsgrad), as pure tensors."""
    import tensorflow as tf

    step = opt["iteration"] + 1.0
    alpha = opt["learning_rate"] * tf.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    new_w, new_m, new_v = [], [], []
    for w, g, m, v in zip(weights, grads, opt["momentum"], opt["velocity"], strict=True):
        if isinstance(g, tf.IndexedSlices):  # an Embedding's: one row per word read (Keras' way)
            m = m + (_scatter_rows(g.values, g, m) - m) * (1 - beta_1)
            v = v + (_scatter_rows(tf.square(g.values), g, v) - v) * (1 - beta_2)
        else:
            m = m + (g - m) * (1 - beta_1)
            v = v + (tf.square(g) - v) * (1 - beta_2)
        new_w.append(w - m * alpha / (tf.sqrt(v) + epsilon))
        new_m.append(m)
        new_v.append(v)
    new_opt = {"iteration": step, "learning_rate": opt["learning_rate"]}
    return new_w, {**new_opt, "momentum": new_m, "velocity": new_v}


def rmsprop(opt: dict, grads: list, weights: list, rho=0.9, epsilon=1e-7):
    """One step of ``keras.optimizers.RMSprop`` (defaults: no momentum, not centered)."""
    import tensorflow as tf

    new_w, new_v = [], []
    for w, g, v in zip(weights, grads, opt["velocity"], strict=True):
        if isinstance(g, tf.IndexedSlices):  # squared per occurrence, as Keras does
            v = rho * v + (1 - rho) * _scatter_rows(tf.square(g.values), g, v)
            g = tf.convert_to_tensor(g)
        else:
            v = rho * v + (1 - rho) * tf.square(g)
        new_w.append(w - opt["learning_rate"] * g / tf.sqrt(v + epsilon))
        new_v.append(v)
    return new_w, {**opt, "iteration": opt["iteration"] + 1.0, "velocity": new_v}


def sgd(opt: dict, grads: list, weights: list):
    """One step of ``keras.optimizers.SGD`` (defaults: no momentum): w - lr·g."""
    import tensorflow as tf

    lr = opt["learning_rate"]
    new_w = [w - lr * tf.convert_to_tensor(g) for w, g in zip(weights, grads, strict=True)]
    return new_w, {**opt, "iteration": opt["iteration"] + 1.0}


def _scatter_rows(values, slices, like):
    """Per-occurrence rows of an ``IndexedSlices`` summed into a dense tensor like ``like``.

    Keras' Adam squares an Embedding's gradient before densifying it, so a word read k
    times in a batch adds the sum of its k squared gradients to the velocity, not the
    square of their sum; the trainer follows that to stay equal to ``model.fit``.
    """
    import tensorflow as tf

    return tf.math.unsorted_segment_sum(values, slices.indices, tf.shape(like)[0])


UPDATES = {"adam": adam, "rmsprop": rmsprop, "sgd": sgd}  # TrainConfig.optimizer -> update
