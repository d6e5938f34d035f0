"""What the trained model says: predictions against targets, along a series, class
probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts.style import (
    BASE_FONT_SIZE,
    CORRECT_COLOR,
    HIGHLIGHT_COLOR,
    HIGHLIGHT_TEXT_COLOR,
    MUTED_COLOR,
    QUALITATIVE,
    WRONG_COLOR,
    _as_float_array,
    _clamp_height,
    _fmt,
    _show_char,
    _style,
)


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """Categorical axes merge equal labels; number the repeats."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _to_classes(values: np.ndarray) -> np.ndarray:
    """Class indices from indices, one-hot rows or probability rows (time folded in)."""
    if values.ndim >= 2 and values.shape[-1] > 1:
        return np.argmax(values, axis=-1).ravel()
    return np.rint(values).astype(int).ravel()


def predictions_vs_targets(
    targets: np.ndarray,
    predictions: np.ndarray,
    labels: list[str] | None = None,
    task: str = "regression",
    class_names: list[str] | None = None,
) -> go.Figure:
    """Targets against predictions, one sample per x position.

    ``task="regression"``: grouped bars target/prediction, error in the hover.
    ``task="classification"`` / ``"next_char"``: per sample a ring at the true class
    and a filled marker at the predicted class, with ✓/✗ above; targets and
    predictions may be class indices, one-hot rows or probability rows (a time axis
    is folded into the samples). ``class_names`` labels the class axis.
    """
    t = _as_float_array(targets, "targets")
    p = _as_float_array(predictions, "predictions")
    if task == "regression":
        t, p = t.ravel(), p.ravel()
    elif task in ("classification", "next_char"):
        t, p = _to_classes(t), _to_classes(p)
    else:
        raise ValueError(
            f"Unknown task {task!r}: use 'regression', 'classification' or 'next_char'."
        )
    if t.size != p.size:
        raise ValueError(f"Got {t.size} targets but {p.size} predictions.")
    if labels is None:
        labels = [f"sample {i + 1}" for i in range(t.size)]
    if len(labels) != t.size:
        raise ValueError(f"Got {len(labels)} labels for {t.size} samples.")
    names = _unique_labels([str(label) for label in labels])
    if task == "regression":
        return _regression_bars(t, p, names)
    return _class_markers(t.astype(int), p.astype(int), names, class_names)


def _regression_bars(t: np.ndarray, p: np.ndarray, names: list[str]) -> go.Figure:
    error = p - t
    fig = go.Figure()
    for name, vals, color in (("target", t, "#999999"), ("prediction", p, QUALITATIVE[0])):
        fig.add_trace(
            go.Bar(
                x=names,
                y=vals,
                name=name,
                marker_color=color,
                text=[_fmt(v) for v in vals],
                textposition="outside",
                cliponaxis=False,
                customdata=np.stack([t, p, error], axis=1),
                hovertemplate="%{x}<br>target %{customdata[0]:.4g}<br>prediction "
                "%{customdata[1]:.4g}<br>error %{customdata[2]:+.4g}<extra></extra>",
            )
        )
    mae = float(np.mean(np.abs(error))) if error.size else 0.0
    fig.update_xaxes(title_text="input")
    fig.update_yaxes(title_text="value")
    fig = _style(
        fig,
        "Predictions vs targets",
        380,
        barmode="group",
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )
    # the error as a subtitle: in the title it ran past a half-width column at 1366 px
    subtitle = {"text": f"mean absolute error {mae:.3g}", "font": {"size": BASE_FONT_SIZE}}
    return fig.update_layout(title_subtitle=subtitle, margin_t=96)


def _class_markers(
    t: np.ndarray, p: np.ndarray, names: list[str], class_names: list[str] | None
) -> go.Figure:
    correct = t == p
    marks = ["✓" if ok else "✗" for ok in correct]
    n_classes = int(max(t.max(initial=0), p.max(initial=0))) + 1
    if class_names is not None:
        n_classes = max(n_classes, len(class_names))
    ticktext = [_show_char(str(c)) for c in class_names] if class_names else None
    colors = [CORRECT_COLOR if ok else WRONG_COLOR for ok in correct]
    true_class = {
        "type": "scatter",
        "x": names,
        "y": t,
        "mode": "markers",
        "name": "true class",
        "marker": {"symbol": "circle-open", "size": 26, "line": {"width": 3}, "color": "#444"},
        "hovertemplate": "%{x}<br>true class %{y}<extra></extra>",
    }
    predicted = {
        "type": "scatter",
        "x": names,
        "y": p,
        "mode": "markers",
        "name": "predicted class",
        "marker": {"symbol": "circle", "size": 13, "color": colors},
        "customdata": marks,
        "hovertemplate": "%{x}<br>predicted %{y} %{customdata}<extra></extra>",
    }
    verdicts = {
        "type": "scatter",
        "x": names,
        "y": [n_classes - 0.4] * len(names),
        "mode": "text",
        "text": marks,
        "name": "correct?",
        "textfont": {"size": BASE_FONT_SIZE + 7, "color": colors},
        "showlegend": False,
        "hoverinfo": "skip",
    }
    class_axis = {
        "title": {"text": "class"},
        "tickmode": "array",
        "tickvals": list(range(n_classes)),
        "range": [-0.6, n_classes - 0.1],
    }
    if ticktext is not None:
        class_axis["ticktext"] = ticktext
    # one figure from whole dicts (add_trace and update_*axes cost ~10 ms more a figure)
    fig = go.Figure(
        data=[true_class, predicted, verdicts],
        layout={"xaxis": {"title": {"text": "input"}}, "yaxis": class_axis},
    )
    title = f"Predicted vs true class: {int(correct.sum())}/{correct.size} correct"
    return _style(
        fig,
        title,
        _clamp_height(220 + 30 * n_classes),
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )


def probability_bars(
    probs: np.ndarray,
    labels: list[str],
    title: str = "Predicted probabilities",
    axis_title: str = "class",
    highlight: int | None = None,
    value_title: str = "probability",
) -> go.Figure:
    """One bar per class, y in [0, 1]; the argmax (or ``highlight``) bar stands out.

    ``value_title`` names the y axis: "probability" for a softmax, "sigmoid score" for
    independent sigmoid outputs (which need not add up to 1)."""
    values = _as_float_array(probs, "probs").ravel()
    if values.size != len(labels):
        raise ValueError(f"Got {values.size} probabilities for {len(labels)} labels.")
    if values.size == 0:
        raise ValueError("No probabilities to show.")
    if np.any(~np.isfinite(values)) or values.min() < -1e-6 or values.max() > 1 + 1e-6:
        raise ValueError("Probabilities must lie between 0 and 1.")
    best = int(np.argmax(values)) if highlight is None else int(highlight)
    if not 0 <= best < values.size:
        raise ValueError(f"highlight must be a class index between 0 and {values.size - 1}.")
    names = _unique_labels([_show_char(str(label)) for label in labels])
    colors = [HIGHLIGHT_COLOR if i == best else MUTED_COLOR for i in range(values.size)]
    bars = {
        "type": "bar",
        "x": names,
        "y": values,
        "marker": {"color": colors},
        "name": "probability",
        "text": [f"{v:.2f}" for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": BASE_FONT_SIZE + 1},
        "hovertemplate": "%{x}: %{y:.3f}<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": axis_title}, "type": "category"},
        "yaxis": {"title": {"text": value_title}, "range": [0, 1.12],
                  "tickvals": [0, 0.25, 0.5, 0.75, 1]},
    }  # fmt: skip
    return _style(go.Figure(data=[bars], layout=layout), title, 320, showlegend=False)


def series_predictions(
    series: np.ndarray,
    positions: np.ndarray,
    predicted: np.ndarray,
    test_from: int | None = None,
    first_positions: np.ndarray | None = None,
    first_predicted: np.ndarray | None = None,
    name: str = "series",
    title: str = "Predictions along the series",
) -> go.Figure:
    """A series with the value each window predicted placed where its target sits.

    ``positions``/``predicted``: the number after each window (training and test part).
    ``test_from``: the first position of the test part, shaded, with a dotted line at
    the highest value the training windows hold (the top of what a scaler fitted on the
    training data sees). ``first_positions``/``first_predicted`` (a model trained with a
    target at every step): the value predicted after each window's first step alone.
    """
    values = _as_float_array(series, "series").ravel()
    pos = _as_float_array(positions, "positions").ravel()
    pred = _as_float_array(predicted, "predicted").ravel()
    if pos.size != pred.size:
        raise ValueError(f"Got {pos.size} positions for {pred.size} predictions.")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=np.arange(values.size), y=values, mode="lines+markers", name=name,
            line={"color": "#555", "width": 2}, marker={"size": 6},
            hovertemplate="position %{x}: %{y:.4g}<extra></extra>",
        )
    )  # fmt: skip
    if first_positions is not None and first_predicted is not None:
        fig.add_trace(
            go.Scatter(
                x=_as_float_array(first_positions, "first_positions").ravel(),
                y=_as_float_array(first_predicted, "first_predicted").ravel(),
                mode="lines+markers", name="predicted after 1 step",
                line={"color": QUALITATIVE[1], "width": 1.5, "dash": "dot"},
                marker={"size": 6, "symbol": "diamond"},
                hovertemplate="position %{x}: %{y:.4g} (after 1 step)<extra></extra>",
            )
        )  # fmt: skip
    whole = "predicted after the whole window" if first_predicted is not None else "predicted"
    fig.add_trace(
        go.Scatter(
            x=pos, y=pred, mode="lines+markers", name=whole,
            line={"color": QUALITATIVE[0], "width": 2.5}, marker={"size": 8},
            hovertemplate="position %{x}: predicted %{y:.4g}<extra></extra>",
        )
    )  # fmt: skip
    if test_from is not None and 0 < test_from < values.size:
        fig.add_vrect(x0=test_from - 0.5, x1=values.size - 0.5, fillcolor=MUTED_COLOR,
                      opacity=0.25, line_width=0)  # fmt: skip
        fig.add_annotation(x=test_from - 0.5, xanchor="left", y=1, yref="paper",
                           yanchor="bottom", text="test part", showarrow=False)  # fmt: skip
        top = float(values[:test_from].max())
        fig.add_hline(y=top, line={"color": HIGHLIGHT_COLOR, "dash": "dot", "width": 1.5})
        fig.add_annotation(x=0, xanchor="left", y=top, yanchor="bottom",
                           text="highest training value", showarrow=False,
                           font={"color": HIGHLIGHT_TEXT_COLOR})  # fmt: skip
    fig.update_xaxes(title_text="position in the series")
    fig.update_yaxes(title_text=name)
    return _style(
        fig,
        title,
        380,
        legend={"orientation": "h", "y": -0.25, "x": 0, "yanchor": "top"},
        margin={"l": 76, "r": 30, "t": 70, "b": 110},
    )
