"""landgov.core.landuse: the profile-driven industrial-land matcher."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core.landuse import LandUseMatcher, industrial_matcher
from landgov.policy import load_profile


@pytest.fixture(scope="module")
def matcher():
    return industrial_matcher(load_profile("zhejiang-2023"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工业用地", True),
        (" 工业用地 ", True),
        ("二类工业用地", True),
        ("M", True),
        ("M1", True),
        ("m2", True),
        ("Ｍ３", True),  # full width
        # GB 50137-2011 表3.3.2 defines M1–M3 only: 「M4」 is no code, unrecognised (it once read
        # True through a prefix rule 「M」 + digits)
        ("M4", None),
        ("0601", True),
        ("100101", True),
        ("1001", True),
        ("工业用地（M2）", True),
        ("工业用地(M2)", True),
        ("M1/M2", True),
        ("M1、M2", True),
        # never a substring, and text in neither list is unrecognised: undecided, not
        # non-industrial (it once read False, which sent plots down a 功能转型 path)
        ("非工业用地", False),  # says in words it is not industrial: listed as such
        ("工业用地以外", None),
        ("商业用地", False),
        ("B1", False),
        ("MALL", None),  # prefix M but not followed by digits: unrecognised
        ("M1a", None),
        ("R2", False),  # GB 50137-2011 二类居住用地: known non-industrial
        ("0701", False),  # GB/T 21010-2017 城镇住宅用地
        ("商业用地（B1）", False),
        ("B1/R2", False),
        ("M1/B1", None),  # mixed
        ("商业用地（M2）", None),  # name and code contradict
        ("", None),
        ("—", None),
        ("无", None),
        (None, None),
        (np.nan, None),
        (pd.NaT, None),
    ],
)
def test_industrial(matcher, text, expected):
    assert matcher.matches(text) is expected


def test_match_series_keeps_index(matcher):
    values = pd.Series(["M1", "商业用地", None, "XX"], index=["a", "b", "c", "d"])
    got = matcher.match_series(values)
    assert got.index.tolist() == ["a", "b", "c", "d"]
    assert got.tolist() == [True, False, None, None]


def test_profile_lists_drive_the_matcher():
    m = LandUseMatcher.from_lists(["工矿用地"], [], other_uses=["商业用地"])
    assert m.matches("工矿用地") is True
    assert m.matches("商业用地") is False
    assert m.matches("M1") is None  # in neither list of this profile: unrecognised
    assert industrial_matcher(load_profile("yuecheng-2022")).citation is not None


@given(st.text(min_size=1))
def test_prefixing_non_industrial_text_never_makes_it_industrial(text):
    m = LandUseMatcher.from_lists(["工业用地", "M1"], ["M"])
    assert m.matches("非" + text + "工业用地") is not True
