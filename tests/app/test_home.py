"""Home page: opens without TensorFlow, transfer functions follow the slider, links."""

import subprocess
import sys
import textwrap

from tests.app.conftest import MAIN, array, figure_titled, open_page


def test_home_runs_and_the_slider_moves_the_highlight():
    at = open_page()
    assert at.title[0].value == "LSTM Explorer"
    fig = figure_titled(at, "Transfer functions")
    assert len(array(fig["data"][0]["x"])) == 100  # x ∈ [−10, 10) step 0.2, as seed 000
    at.slider(key="w:home:highlight").set_value(-2.0).run()
    fig = figure_titled(at, "Transfer functions")
    markers = [t for t in fig["data"] if t.get("mode") == "markers"]
    assert [array(t["x"])[0] for t in markers] == [-2.0, -2.0]
    [diagram] = at.get("image")
    assert diagram.proto.imgs[0].url.startswith("data:image/svg+xml")
    links = [el.proto.page for el in at.get("page_link")]
    lessons = ("sequence_classification", "next_number", "hello", "inside", "shapes", "scratch")
    assert all(any(page in link for link in links) for page in (*lessons, "compare"))


def test_home_does_not_import_tensorflow():
    script = textwrap.dedent(
        f"""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({MAIN!r}, default_timeout=60).run()
        assert not at.exception, at.exception
        assert at.title[0].value == "LSTM Explorer"
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
        print("HEAVY:", heavy)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HEAVY: []" in out.stdout
