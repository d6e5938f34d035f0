"""What the trained model says: predictions against targets, class probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts.style import (
    BASE_FONT_SIZE,
    CORRECT_COLOR,
    HIGHLIGHT_COLOR,
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
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=names,
            y=t,
            mode="markers",
            name="true class",
            marker={"symbol": "circle-open", "size": 26, "line": {"width": 3}, "color": "#444"},
            hovertemplate="%{x}<br>true class %{y}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=p,
            mode="markers",
            name="predicted class",
            marker={
                "symbol": "circle",
                "size": 13,
                "color": [CORRECT_COLOR if ok else WRONG_COLOR for ok in correct],
            },
            customdata=marks,
            hovertemplate="%{x}<br>predicted %{y} %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=[n_classes - 0.4] * len(names),
            mode="text",
            text=marks,
            name="correct?",
            textfont={
                "size": BASE_FONT_SIZE + 7,
                "color": [CORRECT_COLOR if ok else WRONG_COLOR for ok in correct],
            },
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title_text="input")
    fig.update_yaxes(
        title_text="class",
        tickmode="array",
        tickvals=list(range(n_classes)),
        ticktext=ticktext,
        range=[-0.6, n_classes - 0.1],
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
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=colors,
            name="probability",
            text=[f"{v:.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": BASE_FONT_SIZE + 1},
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=axis_title, type="category")
    fig.update_yaxes(title_text=value_title, range=[0, 1.12], tickvals=[0, 0.25, 0.5, 0.75, 1])
    return _style(fig, title, 320, showlegend=False)
