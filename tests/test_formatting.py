"""The one number formatter: the same number reads the same on every page, table and picture."""

import math

import pandas as pd
import pytest

from tracker.formatting import difference_unit, number, percent


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (3583.95, "家", "3,584家"),
        (241.5, "亿元", "241.5亿元"),
        (2.11, "%", "2.11%"),
        (2.0, "", "2"),
        (-0.001, "", "0"),
        (21000.0, "家", "21,000家"),
        (None, "%", "—"),
        (math.nan, "", "—"),
        (pd.NA, "", "—"),
    ],
)
def test_number(value, unit, expected):
    assert number(value, unit) == expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(0.844, "84.4%"), (-0.0001, "0.0%"), (-0.045, "-4.5%"), (None, "—"), (math.nan, "—"), (1.0, "100.0%")],
)
def test_percent(ratio, expected):
    assert percent(ratio) == expected


def test_difference_unit():
    assert difference_unit("%") == "个百分点"
    assert difference_unit("%", "en") == " pp"
    assert difference_unit("家") == "家"
