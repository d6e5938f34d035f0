"""The seed tutorials' lessons: their data, their exact settings and their Keras code.

A page's "as in the tutorial" button loads ``LESSONS[key]``; ``keras_code`` writes the
Keras a student would type for the settings currently chosen, so the two can be read
side by side. The seeds are fixed so that the tutorials' published results come out
(seed 001's blog shows [6, 7, 8] -> 8.96..9.25 over ten runs; with Keras 3 the spread
over seeds is wider, so the lesson pins a seed that lands near 9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lstm_core import datasets
from lstm_core.models import CELL_NAMES, ModelSpec, head_activation, hidden_dense, loss_name
from lstm_core.training import TrainConfig


@dataclass(frozen=True)
class Lesson:
    """One tutorial lesson: what to load, how to build and train it, and its original code."""

    key: str
    title: str
    seed_file: str
    dataset: str
    dataset_options: dict = field(default_factory=dict)
    spec: ModelSpec = ModelSpec()
    config: TrainConfig = TrainConfig()
    example_input: str = ""
    expected: str = ""
    tutorial_code: str = ""

    def load(self) -> datasets.Dataset:
        return datasets.load(self.dataset, **self.dataset_options)


SEED_000_CODE = """\
x = np.array(x, dtype=np.float32)            # (6, 6, 1)
y = np.array([1, 2, 3, 2, 3, 1], dtype=np.int32)
y2 = np.zeros((y.shape[0], 4), dtype=np.float32)
y2[np.arange(y.shape[0]), y] = 1.0           # one-hot over 4 classes

model = Sequential()
model.add(LSTM(128, dropout=0.2, recurrent_dropout=0.2, input_shape=(None, 1)))
model.add(Dense(4, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x, y2, epochs=200)

pred = model.predict(x)
print(np.argmax(pred, axis=1))               # [1 2 3 2 3 1]

def runit(model, inp):
    inp = np.array(inp, dtype=np.float32)
    pred = model.predict(inp)
    return np.argmax(pred[0])

print(runit(model, [[[0], [0], [0], [0], [0], [1]]]))   # 1
"""

SEED_001_CODE = """\
x = array([[1,2,3], [2,3,4], [3,4,5], [4,5,6]])
y = array([4,5,6,7])
x = x.reshape((x.shape[0], x.shape[1], 1))   # (4, 3, 1)

model = Sequential()
model.add(LSTM(10, activation='relu', input_shape=(3, 1)))
model.add(Dense(5))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=100, batch_size=1)

x_input = array([6, 7, 8]).reshape((1, 3, 1))
print(model.predict(x_input))                # about 9
"""

SEED_001_WIDE_CODE = """\
x = array([[1,2,3], [2,3,4], [3,4,5], [4,5,6], [5,6,7],
           [6,7,8], [7,8,9], [8,9,10], [9,10,11], [10,11,12],
           [20,30,40], [30,40,50], [40,50,60]])
y = array([4,5,6,7,8,9,10,11,12,13,50,60,70])
x = x.reshape((x.shape[0], x.shape[1], 1))   # (13, 3, 1)

model = Sequential()
model.add(LSTM(200, activation='relu', input_shape=(3, 1)))
model.add(Dense(10))
model.add(Dense(100))
model.add(Dense(10))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=200, batch_size=1)

x_input = array([25, 35, 45]).reshape((1, 3, 1))
print(model.predict(x_input))
# "Predicting outside the trained range gives large errors:
#  this is where a Scaler is needed."
"""

HELLO_CODE = """\
# The blog explains the idea with a picture only: 'hell' in, 'ello' out,
# one-hot over the vocabulary [h, e, l, o]. In Keras:
vocab = ['h', 'e', 'l', 'o']
x = one_hot('hell')[None]    # (1, 4, 4)
y = one_hot('ello')[None]    # (1, 4, 4): the next character at every step

model = Sequential()
model.add(LSTM(16, return_sequences=True, input_shape=(None, 4)))
model.add(Dense(4, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer=Adam(0.01))
model.fit(x, y, epochs=200)
"""

LESSONS: dict[str, Lesson] = {
    "sequence_classification": Lesson(
        key="sequence_classification",
        title="Sequence classification",
        seed_file="000",
        dataset="sequence_classification",
        spec=ModelSpec(
            cell="lstm",
            units=128,
            dropout=0.2,
            recurrent_dropout=0.2,
            head="sigmoid",
            loss="binary_crossentropy",
        ),
        config=TrainConfig(epochs=200, batch_size=32, learning_rate=1e-3, seed=0),
        example_input="0, 0, 0, 0, 0, 1",
        expected="predicts [1 2 3 2 3 1]; runit([0,0,0,0,0,1]) → 1",
        tutorial_code=SEED_000_CODE,
    ),
    "next_number": Lesson(
        key="next_number",
        title="Next number",
        seed_file="001",
        dataset="next_number",
        spec=ModelSpec(cell="lstm", units=10, activation="relu", dense_units=5),
        config=TrainConfig(epochs=100, batch_size=1, learning_rate=1e-3, seed=15),
        example_input="6, 7, 8",
        expected="[6, 7, 8] → about 9",
        tutorial_code=SEED_001_CODE,
    ),
    "next_number_wide": Lesson(
        key="next_number_wide",
        title="Next number: large values and scaling",
        seed_file="001",
        dataset="next_number",
        dataset_options={"variant": "wide"},
        spec=ModelSpec(
            cell="lstm",
            units=200,
            activation="relu",
            dense_units=10,
            dense_units_2=100,
            dense_units_3=10,
        ),  # fmt: skip
        config=TrainConfig(epochs=200, batch_size=1, learning_rate=1e-3, seed=0),
        example_input="25, 35, 45",
        expected="[25, 35, 45] → 55; the blog expects large errors without a scaler: try both",
        tutorial_code=SEED_001_WIDE_CODE,
    ),
    "hello": Lesson(
        key="hello",
        title="Hello: the next character",
        seed_file="001",
        dataset="hello",
        dataset_options={"text": "hello"},
        spec=ModelSpec(cell="lstm", units=16),
        config=TrainConfig(epochs=200, batch_size=32, learning_rate=0.01, seed=0),
        example_input="hell",
        expected="'hell' → 'ello'",
        tutorial_code=HELLO_CODE,
    ),
}


OPTIMIZER_CLASSES = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}  # keras.optimizers.<…>


def keras_code(spec: ModelSpec, config: TrainConfig, dataset: datasets.Dataset) -> str:
    """The plain Keras a student would write for these settings (the same schema as the app)."""
    layer = CELL_NAMES[spec.cell]
    lines = ["model = Sequential()"]
    shape = f"({dataset.timesteps}, {dataset.features})"
    if spec.cell == "dense" and not dataset.sequence_output:
        lines.append(f"model.add(Flatten(input_shape={shape}))")
        shape = None
    for k in range(spec.layers):
        args = [str(spec.units), f"activation='{spec.activation}'"]
        if spec.cell != "dense":
            if spec.dropout:
                args.append(f"dropout={spec.dropout:g}")
            if spec.recurrent_dropout:
                args.append(f"recurrent_dropout={spec.recurrent_dropout:g}")
            if k < spec.layers - 1 or dataset.sequence_output:
                args.append("return_sequences=True")
        if k == 0 and shape:
            args.append(f"input_shape={shape}")
        lines.append(f"model.add({layer}({', '.join(args)}))")
    for units in hidden_dense(spec):
        lines.append(f"model.add(Dense({units}))")
    head = head_activation(spec, dataset)
    lines.append(f"model.add(Dense({dataset.n_outputs}, activation='{head}'))")
    metrics = "" if dataset.task == "regression" else ", metrics=['categorical_accuracy']"
    optimizer = OPTIMIZER_CLASSES[config.optimizer]
    lines.append(
        f"model.compile(loss='{loss_name(spec, dataset)}', "
        f"optimizer={optimizer}({config.learning_rate:g}){metrics})"
    )
    extra = f", validation_split={config.validation_split:g}" if config.validation_split else ""
    if config.patience is not None:
        lines.append(
            f"early_stopping = EarlyStopping(monitor='{config.monitor}', "
            f"patience={config.patience})"
        )
        extra += ", callbacks=[early_stopping]"
    lines.append(f"model.fit(x, y, epochs={config.epochs}, batch_size={config.batch_size}{extra})")
    return "\n".join(lines) + "\n"
