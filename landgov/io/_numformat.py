"""Excel number formats that show a number smaller than it is stored: 元 shown as 万元.

Finance staff keep amounts in 元 and show them in 万 with a number format: ``0!.0,`` shows
125000 as 「12.5」 (the comma divides by 1,000, ``!.`` puts a point before the last digit),
``0!.0000`` shows it as 「12.5000」, ``0!.0,"万"`` as 「12.5万」, ``#,##0.00,,`` in millions. An
officer checking the sheet sees 12.5 under 「税收（万元）」; read by its stored value the firm
would pay 125,000 万元. Such a cell is read as it is shown (:func:`shown_text`, the literal
text after the digits kept: 「12.5万」 reads as 12.5万 in any column's unit), and the reader says
so for the column (:func:`landgov.io.tables._report_shown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Scaled", "scaled_format", "shown_text"]

_PLACEHOLDERS = frozenset("0#?")
# a date, time, scientific or text format: never a scaled number
_NOT_A_NUMBER = re.compile(r"[yYmMdDhHsSeE@]")


@dataclass(frozen=True)
class Scaled:
    """A number format that divides by ``10 ** power`` for display, with ``suffix`` (the
    literal text after its digits, 「万」) written after the number."""

    power: int
    suffix: str


def _tokens(section: str) -> list[tuple[str, str]]:
    """``(kind, char)`` of a format section: ``lit`` for quoted and escaped (``\\``, ``!``)
    characters, ``bare`` for other ones (「E」, 「y」, 「@」 are format codes), ``num`` for 0 # ?,
    ``dot`` and ``comma`` for . and ,; brackets
    (colours, conditions), ``_x`` (a space) and ``*x`` (a fill) are left out."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out += [("lit", c) for c in section[i + 1 : end]]
            i = end + 1
            continue
        if ch in "\\!" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
            continue
        if ch == "[":
            end = section.find("]", i + 1)
            i = len(section) if end < 0 else end + 1
            continue
        if ch in "_*":
            i += 2
            continue
        kind = "num" if ch in _PLACEHOLDERS else {".": "dot", ",": "comma"}.get(ch, "bare")
        out.append((kind, ch))
        i += 1
    return out


def _first_section(code: str) -> str:
    """The section of a format for positive numbers (before the first ``;`` outside quotes)."""
    quoted = False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return code[:i]
    return code


def scaled_format(code: str) -> Scaled | None:
    """How a number format scales a number for display, ``None`` when it shows it as stored.

    Each comma after the last digit placeholder divides by 1,000; a literal point (``!.``,
    ``\\.``, ``"."``) in a format without a real one puts as many digits after it as
    placeholders follow it (divides by 10 to that power).

    Examples
    --------
    >>> scaled_format("0!.0,"), scaled_format('0!.0,"万"'), scaled_format("#,##0.00,,")
    (Scaled(power=4, suffix=''), Scaled(power=4, suffix='万'), Scaled(power=6, suffix=''))
    >>> scaled_format("0!.0000"), scaled_format("#,##0.00"), scaled_format("0.0%")
    (Scaled(power=4, suffix=''), None, None)
    >>> scaled_format("0.0E+00,"), scaled_format("General"), scaled_format('#,##0,"千元"')
    (None, None, Scaled(power=3, suffix='千元'))
    """
    section = _first_section(code)
    tokens = _tokens(section)
    kinds = [k for k, _ in tokens]
    if "num" not in kinds or "%" in section:
        return None
    if _NOT_A_NUMBER.search("".join(c for k, c in tokens if k == "bare")):
        return None
    last = max(i for i, k in enumerate(kinds) if k == "num")
    commas = 0
    for kind in kinds[last + 1 :]:
        if kind != "comma":
            break
        commas += 1
    inserted = 0
    if "dot" not in kinds:
        point = next(
            (i for i, (k, c) in enumerate(tokens) if k == "lit" and c == "." and i < last), None
        )
        if point is not None:
            inserted = sum(1 for k in kinds[point + 1 : last + 1] if k == "num")
    power = 3 * commas + inserted
    if power == 0:
        return None
    suffix = "".join(c for k, c in tokens[last + 1 :] if k in ("lit", "bare")).strip()
    return Scaled(power, suffix)


def shown_text(value: float, scaled: Scaled) -> str:
    """The number as the format shows it, unrounded, with its suffix: 125000 → 「12.5万」.

    >>> shown_text(125000, Scaled(4, "万")), shown_text(125432, Scaled(4, ""))
    ('12.5万', '12.5432')
    """
    return f"{value / 10**scaled.power:.15g}{scaled.suffix}"
