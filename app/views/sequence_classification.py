"""Sequence classification (seed 000): which pair — 1-1, 2-2 or 3-3 — hides in six steps?"""

from app import cached
from app.i18n import t
from app.task_page import TaskPage, render_task_page


def data_controls() -> tuple[str, str, dict]:
    return "sequence_classification", "sequence_classification", {}


render_task_page(
    TaskPage(
        key="sequence_classification",
        cells=("lstm", "gru", "simple_rnn"),
        data_controls=data_controls,
        tutorial_data=lambda lesson: {},
        data_picture=lambda ds: cached.figure("sequence_heatmap", ds.raw_x, ds.labels),
        input_hint=lambda ds: t("seq.hint", n=ds.timesteps),
    )
)
