"""Rules every page follows, read from the source: charts keep their own fonts; the server's
config is fit for a class."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def plotly_chart_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "plotly_chart":
                calls.append((f"{path.relative_to(APP)}:{node.lineno}", node))
    return calls


def test_every_plotly_chart_passes_theme_none():
    """Streamlit's chart theme would replace the builders' 16–18 px dark fonts by 12 px grey."""
    calls = plotly_chart_calls()
    assert len(calls) >= 20, "the walk found the app's charts"
    missing = [
        where
        for where, call in calls
        if not any(
            kw.arg == "theme" and isinstance(kw.value, ast.Constant) and kw.value.value is None
            for kw in call.keywords
        )
    ]
    assert not missing, f"st.plotly_chart without theme=None at {missing}"


def test_the_server_config_is_fit_for_a_class():
    """XSRF protection on, no traceback shown to a student, no usage statistics sent."""
    import tomllib

    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["maxUploadSize"] <= 5
    assert config["runner"]["postScriptGC"] is False  # a full collection after every tick
