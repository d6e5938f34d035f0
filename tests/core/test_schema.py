"""Link values through the schema: converted, bounds-checked, or a reason why not."""

import pytest

from lstm_core import schema
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig


def test_parse_takes_a_link_value_or_says_why_not():
    units = schema.describe(ModelSpec, "units")
    assert schema.parse(units, " 64 ") == 64 and isinstance(schema.parse(units, "64.0"), int)
    cell = schema.describe(ModelSpec, "cell")
    assert schema.parse(cell, "GRU") == "gru"
    patience = schema.describe(TrainConfig, "patience")
    assert schema.parse(patience, "none") is None and schema.parse(patience, "5") == 5
    lr = schema.describe(TrainConfig, "learning_rate")
    assert schema.parse(lr, "3e-3") == 0.003
    for p, text, why in [
        (units, "abc", "not a number"),
        (units, "6.5", "not a whole number"),
        (units, "0", "between"),
        (lr, "nan", "finite"),
        (lr, "inf", "finite"),
        (cell, "evil", "one of"),
    ]:
        with pytest.raises(ValueError, match=why):
            schema.parse(p, text)
