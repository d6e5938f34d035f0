"""Pure Plotly figure builders for LSTM Explorer: arrays in, ``go.Figure`` out.

Every builder in this package is pure: it takes numpy arrays / lists, returns a
``plotly.graph_objects.Figure`` (or, for the cell diagram, an SVG string) and never
calls Streamlit. Tests call the builders directly and assert on ``fig.data``.

The charts are made for a classroom projector at 1366×768: base font 16 px (axis titles
18 px, dark text), titles and axis titles everywhere, heights between 300 and 420 px
(heatmaps 16 px per row, so each of up to 32 rows is labelled). Two colour scales are
used everywhere, so the heatmaps and the cell diagram agree:

* ``ACTIVATION_SCALE`` (diverging, centred on 0) for activations, hidden and cell
  states, the tanh candidate: anything in [−1, 1] (widened symmetrically when a
  relu layer or the cell state goes beyond ±1);
* ``GATE_SCALE`` (sequential, Viridis stretched over 0.5–1) for the sigmoid gates,
  whose values lie in [0, 1].

One module per subject:

* ``style`` – the shared look: colour scales, palette, fonts, ``_style`` and helpers;
* ``explainers`` – the sigmoid and tanh transfer functions;
* ``data`` – input sequences, windows, one-hot text;
* ``training`` – loss and accuracy curves;
* ``predictions`` – predictions against targets, along a series, class probabilities;
* ``states`` – state and gate heatmaps, one unit over time, clickable cells;
* ``cell_diagram`` – the LSTM / GRU / SimpleRNN cell as SVG text;
* ``memory`` – the long-memory sweep: accuracy against the sequence length;
* ``gradients`` – the size of the gradient at every time step, per cell;
* ``text`` – the sentiment lesson: the model's opinion after each word;
* ``board`` – the class board: every submitted run's final loss against its units.

Pages use the package as one namespace (``charts.state_heatmap(...)``, and
``cached.figure`` looks builders up by name), so every public name is re-exported
here. This package deliberately imports neither TensorFlow nor Keras, so that the
home page, which imports it, opens fast.
"""

from __future__ import annotations

from app.charts.board import class_board
from app.charts.cell_diagram import (
    ASSET_PATH,
    GRU_SYMBOLS,
    LSTM_SYMBOLS,
    RNN_SYMBOLS,
    cell_diagram_svg,
)
from app.charts.data import one_hot_matrix, sequence_heatmap, series_windows, windows_chart
from app.charts.explainers import transfer_functions
from app.charts.gradients import gradient_flow
from app.charts.memory import CELL_COLORS, accuracy_by_length
from app.charts.predictions import predictions_vs_targets, probability_bars, series_predictions
from app.charts.states import (
    MAX_CELL_TEXT_STEPS,
    MAX_CELL_TEXT_UNITS,
    clickable_cells,
    gates_over_training,
    state_heatmap,
    step_labels,
    unit_lines,
)
from app.charts.style import (
    ACTIVATION_COLORBAR,
    ACTIVATION_SCALE,
    BASE_FONT_SIZE,
    CORRECT_COLOR,
    GATE_COLORBAR,
    GATE_SCALE,
    HIGHLIGHT_COLOR,
    HIGHLIGHT_TEXT_COLOR,
    MUTED_COLOR,
    QUALITATIVE,
    TEMPLATE,
    TITLE_FONT_SIZE,
    WRONG_COLOR,
    activation_limit,
)
from app.charts.text import reading_so_far
from app.charts.training import compare_curves, run_spread, training_curves

__all__ = [
    "class_board",
    # builders
    "transfer_functions",
    "sequence_heatmap",
    "series_windows",
    "windows_chart",
    "one_hot_matrix",
    "training_curves",
    "compare_curves",
    "run_spread",
    "predictions_vs_targets",
    "probability_bars",
    "series_predictions",
    "state_heatmap",
    "unit_lines",
    "step_labels",
    "gates_over_training",
    "clickable_cells",
    "cell_diagram_svg",
    "accuracy_by_length",
    "gradient_flow",
    "reading_so_far",
    # the shared look
    "ACTIVATION_SCALE",
    "GATE_SCALE",
    "ACTIVATION_COLORBAR",
    "GATE_COLORBAR",
    "QUALITATIVE",
    "CELL_COLORS",
    "HIGHLIGHT_COLOR",
    "HIGHLIGHT_TEXT_COLOR",
    "MUTED_COLOR",
    "CORRECT_COLOR",
    "WRONG_COLOR",
    "BASE_FONT_SIZE",
    "TITLE_FONT_SIZE",
    "TEMPLATE",
    "MAX_CELL_TEXT_UNITS",
    "MAX_CELL_TEXT_STEPS",
    "activation_limit",
    # the cell diagram's asset and symbols
    "ASSET_PATH",
    "LSTM_SYMBOLS",
    "GRU_SYMBOLS",
    "RNN_SYMBOLS",
]
