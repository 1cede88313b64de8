"""Hostile tables from the tables audit: CSV encodings named, ``_xHHHH_`` escapes in .xlsx
text, dots leading a form's file name, blank names, one problem row per error cell, and rows
pasted twice."""

from __future__ import annotations

import pandas as pd
import pytest

from landgov.reports.chushen import write_forms
from landgov.reports.filenames import safe_filename

# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../APPESC2_甲公司", "_.._APPESC2_甲公司"),
        (".._.._APPESC2", "_.._APPESC2"),
        (". .甲", "甲"),
        ("\u3000.甲.\u3000", "甲"),
    ],
)
def test_a_file_name_never_begins_with_a_dot(text: str, expected: str) -> None:
    assert safe_filename(text) == expected


def test_a_form_of_an_application_id_beginning_with_dots_is_not_hidden(tmp_path) -> None:
    from tests.test_chushen import _row

    rows = pd.DataFrame([_row(application_id="../../APPESC2", township="马山街道")])
    written = write_forms(rows, tmp_path)
    assert [p.name for p in written] == ["_.._APPESC2_绍兴某某机械有限公司.docx"]
    assert not any(p.name.startswith(".") for p in tmp_path.rglob("*"))
