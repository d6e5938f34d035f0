"""The README's Python example runs as written and does what it says."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_example_runs(capsys):
    block = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(block, namespace)
    assert namespace["result"].epochs_run == 200
    assert namespace["layer"].h.shape == (6, 6, 128)
    assert set(namespace["layer"].gates) == {"input", "forget", "candidate", "output"}
    assert capsys.readouterr().out.count("\n") == 200  # one line per epoch, streamed
