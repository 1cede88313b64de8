"""USCC checks against the shared list of real codes (GB 32100-2015)."""

from __future__ import annotations

from pathlib import Path

import pytest

from landgov.ids import USCCStatus, check_uscc, normalize_uscc, uscc_check_char


def _codes(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0].strip() for line in lines if line.strip()]


@pytest.mark.parametrize("name", ["valid.txt", "zhejiang_valid.txt"])
def test_every_shared_valid_code_is_accepted(shared_dir: Path, name: str) -> None:
    codes = _codes(shared_dir / "testdata" / "uscc" / name)
    assert codes
    rejected = {c: check_uscc(c) for c in codes if check_uscc(c) is not USCCStatus.VALID}
    assert rejected == {}


def test_every_shared_invalid_code_is_rejected(shared_dir: Path) -> None:
    codes = _codes(shared_dir / "testdata" / "uscc" / "invalid.txt")
    assert len(codes) >= 8
    accepted = [c for c in codes if check_uscc(c) is USCCStatus.VALID]
    assert accepted == []


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("9133********621X", USCCStatus.MASKED),
        ("913301XXXXXXXXXX", USCCStatus.MASKED),
        ("12345", USCCStatus.BAD_LENGTH),
        ("9111000060003IOZSV", USCCStatus.BAD_CHARACTER),
        ("91110000600037341N", USCCStatus.BAD_CHECK),
        ("", USCCStatus.MISSING),
        (None, USCCStatus.MISSING),
        (float("nan"), USCCStatus.MISSING),
    ],
)
def test_status_names_the_reason(code: object, status: USCCStatus) -> None:
    assert check_uscc(code) is status


def test_full_width_lower_case_and_blanks_are_normalised(shared_dir: Path) -> None:
    code = _codes(shared_dir / "testdata" / "uscc" / "zhejiang_valid.txt")[0]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert normalize_uscc(f" {full_width[:6]} {full_width[6:]} ") == code
    assert check_uscc(full_width) is USCCStatus.VALID


def test_check_char_matches_the_last_character(shared_dir: Path) -> None:
    for code in _codes(shared_dir / "testdata" / "uscc" / "valid.txt"):
        assert uscc_check_char(code[:17]) == code[17]
