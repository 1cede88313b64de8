"""The screening's shortcuts give what the per-row reference gives (issue 11 item 1, compute).

Each test builds random inputs and compares the fast code with the long way it replaced:
path decisions planned from atom truth values against :func:`_decide` per plot, the cached
USCC check and the ASCII fast path of ``normalize_code`` against the plain functions, the
enterprise table's missing values judged once against :func:`is_missing` per lookup, and the
两高 check with one judgement per enterprise against each plot on its own.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.core.missing import is_missing
from landgov.ids import _BLANK_WORDS, _check_uscc, check_uscc, normalize_code
from landgov.io._convert import cell_text, is_blank
from landgov.io._grid import _Grid
from landgov.io.tables import _padded, _used_width
from landgov.link._outputs import _join, _joined
from landgov.policy import load_profile
from landgov.screening._checks_firms import check_two_high
from landgov.screening._common import _Firms
from landgov.screening.paths import (
    CHECK_NAMES,
    _as_verdict,
    _decide,
    _Facts,
    _parse_term,
    _truth,
    _truth_column,
    decide_paths,
    rule_table,
)
from landgov.verdict import Citation, Status, Verdict

CIT = Citation("001", "三(一)1")
_STATUSES = (Status.PASS, Status.FAIL, Status.UNKNOWN, None)  # None: check not run / no verdict


@pytest.fixture(scope="module")
def profile():
    return load_profile("zhejiang-2023")


def _verdict(check: str, status: Status, rnd: st.DataObject) -> Verdict:
    values: dict[str, object] = {}
    if check == "catalogue":
        cls = rnd.draw(st.sampled_from(["允许类", "淘汰类", "限制类", None]))
        values["classes"] = (("U1", cls),) if rnd.draw(st.booleans()) else ()
    if check == "violation":
        sev = rnd.draw(st.sampled_from(["一般", "较大", "重大"]))
        cat = rnd.draw(st.sampled_from(["安全", "环保", "土地"]))
        values["records"] = ((cat, sev),) if rnd.draw(st.booleans()) else ()
    if check == "idle":
        values["idle_years"] = rnd.draw(st.sampled_from([0, 1, 2, 3, None]))
    if check == "under_used":
        values["far"] = rnd.draw(st.sampled_from([0.3, 1.2, None]))
    if check == "low_efficiency":
        values["tax_per_mu"] = rnd.draw(st.sampled_from([2.0, 30.0, None]))
    missing = (f"{check} 的输入",) if status is Status.UNKNOWN else ()
    return Verdict(f"screening.{check}", status, f"{check} {status.value}", CIT, values, missing)


def _frames(rnd: st.DataObject, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    run = rnd.draw(st.lists(st.sampled_from(CHECK_NAMES), unique=True, min_size=5))
    rows = []
    for _ in range(n):
        row = {}
        for name in run:
            status = rnd.draw(st.sampled_from(_STATUSES))
            row[name] = None if status is None else _verdict(name, status, rnd)
        rows.append(row)
    checks = pd.DataFrame(rows, columns=run, index=range(n))

    def column(*options):
        return rnd.draw(st.lists(st.sampled_from(options), min_size=n, max_size=n))

    plots = pd.DataFrame(
        {
            "grade": column("A", "D", " d", "", None),
            "area_mu": column(3.0, 40.0, None),
            "block_id": "B0001",
            "block_large": column(True, False, None),
            "block_area_mu": 60.0,
        },
        index=range(n),
    )
    return plots, checks


def _reference(plots, checks, rules, block_citation):
    """The per-plot loop decide_paths used to run: every rule evaluated in order."""
    compiled = [(r._terms("any"), r._terms("all")) for r in rules]
    cols = [c for c in checks.columns if c in CHECK_NAMES]
    rows = checks[cols].reindex(plots.index).to_dict("records")
    attrs = plots[["grade", "area_mu", "block_id", "block_large", "block_area_mu"]]
    out = []
    for vrow, arow in zip(rows, attrs.to_dict("records"), strict=True):
        facts = _Facts({c: _as_verdict(v) for c, v in vrow.items()}, arow, block_citation)
        rule, outcome, undecided = _decide(rules, compiled, facts)
        out.append((rule, outcome, undecided))
    return out


_CUSTOM = [
    {
        "id": "X1",
        "path": "关停退出",
        "all": ["!two_high:符合", "grade:D"],
        "any": ["idle_years>=2", "catalogue:淘汰类"],
    },
    {
        "id": "X2",
        "path": "功能转型",
        "all": ["!planning:不符合&area_mu<10"],
        "any": ["!grade:A&!block:large", "!violation:一般", "!catalogue:限制类"],
    },
    {
        "id": "X3",
        "path": "拆除重建",
        "any": ["violation:较大:安全", "block:large&low_efficiency:待核实", "far<0.5"],
    },
    {"id": "X4", "path": "整治提升", "any": ["always"]},
]


@pytest.mark.parametrize("table", ["profile", "custom"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rnd=st.data(), n=st.integers(1, 12))
def test_planned_paths_match_every_rule_evaluated(profile, table, rnd, n) -> None:
    if table == "custom":
        from landgov.screening.paths import _build_rule

        rules = tuple(_build_rule(r) for r in _CUSTOM)
    else:
        rules = rule_table(profile)
    plots, checks = _frames(rnd, n)
    fast = decide_paths(plots, checks=checks, profile=profile, rules=rules).tolist()
    slow = _reference(plots, checks, rules, profile.citation("blocks.min_area_mu"))
    assert [d.resolve()[:3] for d in fast] == slow


@pytest.mark.parametrize("table", ["profile", "custom"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rnd=st.data(), n=st.integers(0, 12))
def test_atom_columns_are_the_per_plot_truths(profile, table, rnd, n) -> None:
    from landgov.screening.paths import _build_rule

    raw = _CUSTOM if table == "custom" else profile.value("paths.rules")
    rules = [_build_rule(r) for r in raw]
    atoms = {a for r in rules for which in ("any", "all") for t in r._terms(which) for a in t}
    plots, checks = _frames(rnd, n)
    cols = [c for c in checks.columns if c in CHECK_NAMES]
    columns = {c: [_as_verdict(v) for v in checks[c].tolist()] for c in cols}
    records = plots.to_dict("records")
    block_citation = profile.citation("blocks.min_area_mu")
    for atom in atoms:
        per_plot = [
            _truth(atom, _Facts({c: col[i] for c, col in columns.items()}, rec, block_citation))
            for i, rec in enumerate(records)
        ]
        assert _truth_column(atom, columns, records) == per_plot, atom


def test_custom_terms_parse() -> None:  # the table above stays valid as the language changes
    assert all(_parse_term(t) for r in _CUSTOM for t in (*r.get("any", ()), *r.get("all", ())))


# --- USCC -------------------------------------------------------------------------------------

_USCC_TEXT = st.one_of(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYabcz-－— *\u3000ＡＢ１２", max_size=20),
    st.sampled_from(["91330602MA2D7UJ35B", "nan", "None", "NULL", "NaT", "913306021234567890"]),
)


def _normalize_reference(value: object) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()
    return "" if text in _BLANK_WORDS else text


@given(_USCC_TEXT)
def test_normalize_code_fast_path_is_the_long_way(text: str) -> None:
    assert normalize_code(text) == _normalize_reference(text)


@given(st.lists(_USCC_TEXT, max_size=30))
def test_cached_uscc_check_is_the_plain_check(texts: list[str]) -> None:
    for text in texts + texts:
        assert check_uscc(text) is _check_uscc(text)


def _valid_uscc(body: str) -> str:
    from landgov.ids import uscc_check_char

    return body + uscc_check_char(body)


_USCC_CELL = st.one_of(
    _USCC_TEXT,
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17).map(_valid_uscc),
    st.sampled_from(["9133060212345XXXX6", "91330602MA2D7UJ35B ", "91330602-MA2D7UJ35B"]),
    st.none(),
    st.just(float("nan")),
)


@settings(deadline=None)  # the first example imports pyarrow.compute
@given(st.lists(_USCC_CELL, min_size=1, max_size=20), st.sampled_from(["object", "str"]))
def test_link_uscc_status_is_check_uscc_per_code(cells, dtype) -> None:
    """The linker's statuses (valid-as-written codes found column-wise) are check_uscc's."""
    from landgov.ids import normalize_uscc
    from landgov.link._inputs import _uscc_status

    codes = pd.Series(cells, dtype=dtype).map(normalize_uscc)
    expected = codes.map(lambda c: check_uscc(c).value)
    pd.testing.assert_series_equal(_uscc_status(codes), expected)


# --- enterprise table and 两高 ---------------------------------------------------------------

_CELL = st.sampled_from([None, float("nan"), "", " ", "—", "无", "0", 0, 12.5, "淘汰类", "2019"])


@given(st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=8))
def test_firm_values_judged_missing_once(cells) -> None:
    frame = pd.DataFrame(
        {
            "uscc": [f"U{i}" for i in range(len(cells))],
            "catalogue_class": [a for a, _ in cells],
            "built_year": [b for _, b in cells],
        }
    )
    firms = _Firms(frame)
    for i in range(len(cells)):
        for name in ("catalogue_class", "built_year"):
            stored = frame.at[i, name]
            expected = None if is_missing(stored) else stored
            assert firms.get(f"U{i}", name) == expected
    assert firms.get("missing", "built_year") is None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    energy=st.lists(st.sampled_from([None, 800.0, 1200.0, 6000.0]), min_size=3, max_size=3),
    year=st.lists(st.sampled_from([None, 2010, 2020]), min_size=3, max_size=3),
    plots=st.lists(st.lists(st.sampled_from(["U0", "U1", "U2", "U9"]), max_size=3), max_size=6),
)
def test_two_high_once_per_enterprise_matches_each_plot_alone(profile, energy, year, plots) -> None:
    ents = pd.DataFrame(
        {
            "uscc": ["U0", "U1", "U2"],
            "energy_tce": energy,
            "built_year": year,
            "power_10k_kwh": [500.0, None, 9000.0],
            "two_high_assessment": [None, "符合", "不符合"],
        }
    )
    parcels = pd.DataFrame({"parcel_id": [f"P{i}" for i in range(len(plots))]})
    pairs = pd.DataFrame(
        [(f"P{i}", u) for i, us in enumerate(plots) for u in dict.fromkeys(us)],
        columns=["parcel_id", "uscc"],
    )
    together = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=profile)
    for i in range(len(plots)):
        one = parcels.iloc[[i]]
        alone = check_two_high(one, enterprises=ents, pairs=pairs, profile=profile)
        assert together.iloc[i] == alone.iloc[0]


# --- 地企关联: names and codes joined per plot ------------------------------------------------


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 1, 2, 5, None]),
            st.sampled_from(["甲公司", "乙厂", "", None, float("nan"), "U1"]),
        ),
        max_size=15,
    )
)
def test_joined_texts_match_groupby_join(rows) -> None:
    pairs = pd.DataFrame(rows, columns=["parcel_index", "name"]).astype({"parcel_index": "float64"})
    index = pd.Index([0.0, 1.0, 2.0, 3.0, 5.0])
    slow = pairs.groupby("parcel_index", sort=False)["name"].agg(_join)
    fast = _joined(pairs, "name")
    if slow.empty:  # no plot named: every plot gets ""
        assert fast.empty
        return
    pd.testing.assert_series_equal(
        fast.reindex(index).fillna(""), slow.reindex(index).fillna(""), check_names=False
    )


# --- table reading: text cells -------------------------------------------------------------


@given(st.one_of(st.text(), st.none(), st.floats(), st.integers()), st.integers(0, 4))
def test_padded_text_cells_are_cell_text(value, width) -> None:
    row = [value, " x "][: max(0, width - 1)]
    grid = _Grid(rows=[row], row_numbers=[1])
    cells = _padded(row, width)
    assert cells == [grid.cell(0, c) for c in range(width)]
    fast = [v.strip() if type(v) is str and v.isprintable() else cell_text(v) for v in cells]
    assert fast == [cell_text(grid.cell(0, c)) for c in range(width)]


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.booleans(),
    )
)
def test_quick_missing_is_is_missing(value) -> None:
    # is_missing answers Python numbers at once; the answer is pandas' (NaN only)
    assert is_missing(value) is bool(pd.isna(value))


# --- garbage collection ---------------------------------------------------------------------


def test_fewer_collections_restores_the_collector_even_on_error() -> None:
    import gc

    from landgov.run.screening import fewer_collections

    before = gc.get_threshold()
    with pytest.raises(KeyError), fewer_collections(threshold=123_456):
        assert gc.get_threshold()[0] == 123_456
        assert gc.get_freeze_count() > 0
        raise KeyError("x")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


@given(
    st.lists(st.lists(st.sampled_from([None, "", " ", "a", 0, 1.5]), max_size=6), max_size=6),
    st.integers(0, 3),
)
def test_used_width_scans_rows_from_the_end_like_every_cell(rows, first) -> None:
    grid = _Grid(rows=rows, row_numbers=list(range(1, len(rows) + 1)))
    every = max(
        (c + 1 for row in rows[first:] for c, v in enumerate(row) if not is_blank(v)), default=0
    )
    assert _used_width(grid, first) == every


# --- verdicts and numbers built the short way ------------------------------------------------


@given(
    status=st.sampled_from(list(Status)),
    reason=st.text(max_size=8),
    values=st.dictionaries(st.sampled_from(["far", "floor", "in_focus"]), st.none() | st.floats()),
    missing=st.lists(st.text(min_size=1, max_size=5), max_size=3).map(tuple),
)
def test_trusted_verdict_is_the_dataclass_verdict(status, reason, values, missing) -> None:
    try:
        slow = Verdict("screening.x", status, reason, CIT, values, missing)
    except ValueError:
        with pytest.raises(ValueError, match="待核实"):
            Verdict.trusted("screening.x", status, reason, CIT, values=values, missing=missing)
        return
    fast = Verdict.trusted("screening.x", status, reason, CIT, values=values, missing=missing)
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert fast.explain() == slow.explain() == fast.explain()
    values["far"] = 1.0  # both keep their own copy
    assert fast.values == slow.values


def _format_reference(value: object, digits: int) -> str:
    """format_number before Python numbers took the short way."""
    from numbers import Real

    import numpy as np

    if is_missing(value):
        return "—"
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        return str(value).strip()
    text = f"{float(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@given(
    st.one_of(st.floats(), st.integers(), st.booleans(), st.none(), st.sampled_from(["x ", "—"])),
    st.integers(0, 6),
)
def test_format_number_short_way_is_the_long_way(value, digits) -> None:
    from landgov.core.missing import format_number

    assert format_number(value, digits=digits) == _format_reference(value, digits)


# --- overlay checks: one verdict per distinct pair of shares ---------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, -0.0, 0.25, 0.5, 1.0, float("nan")]),
            st.sampled_from([0.0, 0.1, -0.0, 0.5]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_share_verdicts_once_per_pair_match_each_plot_alone(profile, rows) -> None:
    from landgov.core.planning import planned_use_rule
    from landgov.screening._checks_overlay import _share_verdicts
    from landgov.screening._common import Check

    shares = pd.DataFrame(rows, columns=["bad", "unknown"])
    rule = planned_use_rule(profile)
    together = _share_verdicts(shares, rule, check=Check.PLANNING)
    for i in range(len(rows)):
        alone = _share_verdicts(shares.iloc[[i]], rule, check=Check.PLANNING).iloc[0]
        assert together.iloc[i].explain() == alone.explain()
        assert repr(together.iloc[i]) == repr(alone)


# --- 亩均 indicators: gaps read by position ---------------------------------------------------


def _gap_reference(frame: pd.DataFrame, log) -> None:
    """The gap problems compute_indicators logged when it read every value by label."""
    from landgov.core.problems import Severity
    from landgov.efficiency._indicators import (
        INDICATORS,
        LAND,
        _column,
        _gap_inputs,
        _source_row,
        _why,
        entity_ids,
    )

    land, ids = _column(frame, "land_mu"), entity_ids(frame)
    gaps: dict[object, tuple[list[str], set[str]]] = {}
    for ind in INDICATORS.values():
        num = _column(frame, ind.numerator)
        den = land if ind.denominator == LAND else _column(frame, ind.denominator)
        ok = num.notna() & den.notna() & (den > 0)
        for idx in frame.index[~ok]:
            items, fields = gaps.setdefault(idx, ([], set()))
            # the amounts drawn are never near zero: no quotient is beyond range
            items.append(f"{ind.label}（{_why(ind, num[idx], den[idx], beyond=False)}）")
            fields.update(_gap_inputs(ind, num[idx], den[idx], beyond=False))
    for idx, (items, fields) in gaps.items():
        log.add(
            f"亩均指标无法计算，记为空值：{'、'.join(items)}",
            row=_source_row(frame, idx),
            field="、".join(sorted(fields)),
            value=ids[idx],
            action="补充缺失的数据（分母须大于零）",
            severity=Severity.WARNING,
        )


_AMOUNT = st.sampled_from([None, float("nan"), 0.0, -2.0, 3.5, 120.0])


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_AMOUNT, _AMOUNT, _AMOUNT, st.sampled_from([None, 3, 7])), min_size=1, max_size=8
    ),
    labels=st.sampled_from(["range", "shuffled", "text"]),
)
def test_indicator_gaps_by_position_match_by_label(rows, labels) -> None:
    from landgov.core.problems import ProblemLog
    from landgov.efficiency._indicators import compute_indicators

    frame = pd.DataFrame(rows, columns=["tax_wan", "land_mu", "energy_tce", "source_row"])
    frame["uscc"] = [f"U{i}" if i % 3 else None for i in range(len(rows))]
    if labels == "shuffled":
        frame.index = list(range(len(rows)))[::-1]
    elif labels == "text":
        frame.index = [f"r{i}" for i in range(len(rows))]
    # rows with a 统一社会信用代码 count in the enterprise table (core.problems roles)
    fast, slow = ProblemLog("亩均"), ProblemLog("亩均", role="enterprises")
    compute_indicators(frame, fast, land_column="land_mu", fallback=False)
    _gap_reference(frame, slow)
    pd.testing.assert_frame_equal(fast.frame(), slow.frame())


# --- idle land: one verdict per distinct (state, years, months, date) ------------------------

_DAY = st.sampled_from([None, "2019-03-31", "2020-02-29", "2024-07-01", "2026-06-30", "2027-01-01"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(_DAY, _DAY, _DAY, st.sampled_from([None, 0.0, 800.0])), min_size=1, max_size=8
    )
)
def test_idle_once_per_key_matches_each_plot_alone(profile, rows) -> None:
    from landgov.screening._checks_land import check_idle

    parcels = pd.DataFrame(
        rows, columns=["contract_start_date", "start_date", "completion_date", "floor_area_m2"]
    )
    together = check_idle(parcels, profile=profile, as_of="2026-06-30")
    for i in range(len(rows)):
        alone = check_idle(parcels.iloc[[i]], profile=profile, as_of="2026-06-30").iloc[0]
        assert together.iloc[i] == alone


# --- under-used land: one floor per industry code ---------------------------------------------

_CODE = st.sampled_from([None, "C1311", "1311", "C3011", "3011", "F5112", 13, "C99", "C"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    firms=st.lists(
        st.tuples(_CODE, st.sampled_from([None, "2017", "2011"])), min_size=1, max_size=5
    ),
    plots=st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from([None, 0.3, 0.8, 1.0, 2.0])),
        min_size=1,
        max_size=8,
    ),
)
def test_under_used_once_per_industry_matches_each_plot_alone(profile, firms, plots) -> None:
    from landgov.screening._checks_land import check_under_used

    ents = pd.DataFrame(
        {
            "uscc": [f"U{i}" for i in range(len(firms))],
            "industry_code": [c for c, _ in firms],
            "industry_edition": [e for _, e in firms],
        }
    )
    parcels = pd.DataFrame(
        {
            "main_uscc": [f"U{i}" if i < 6 else None for i, _ in plots],
            "far": [f for _, f in plots],
        }
    )
    together = check_under_used(parcels, enterprises=ents, profile=profile)
    for i in range(len(plots)):
        alone = check_under_used(parcels.iloc[[i]], enterprises=ents, profile=profile).iloc[0]
        assert repr(together.iloc[i]) == repr(alone)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rnd=st.data(), n=st.integers(0, 8))
def test_path_rows_by_column_is_the_frame_of_row_dicts(profile, rnd, n) -> None:
    from landgov.screening.paths import PATH_COLUMNS, _path_row, path_rows

    plots, checks = _frames(rnd, n)
    decisions = decide_paths(plots, checks=checks, profile=profile)
    rows = [_path_row(*d.resolve()) for d in decisions.tolist()]
    slow = pd.DataFrame(rows, index=decisions.index, columns=[*PATH_COLUMNS, "verdict"])
    pd.testing.assert_frame_equal(path_rows(decisions), slow)


# --- violations: plots without records share one verdict ------------------------------------


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(["P0", "P1", "PX", None]),
            st.sampled_from(["U0", "U2", None]),
            st.sampled_from(["安全", "环保"]),
            st.sampled_from(["一般", "重大", None]),
            st.sampled_from(["2025-01-01", "2010-01-01", None]),
            st.sampled_from(["是", "否", None]),
        ),
        max_size=5,
    ),
    n=st.integers(1, 5),
)
def test_violations_shared_clean_verdict_matches_each_plot_alone(profile, records, n) -> None:
    from landgov.screening._checks_firms import check_violations

    parcels = pd.DataFrame({"parcel_id": [f"P{i}" for i in range(n)]})
    pairs = pd.DataFrame({"parcel_id": [f"P{i}" for i in range(n)]}).assign(
        uscc=[f"U{i}" for i in range(n)]
    )
    compliance = pd.DataFrame(
        records,
        columns=["parcel_id", "uscc", "category", "severity", "record_date", "rectified"],
    )
    kw = {"pairs": pairs, "profile": profile, "as_of": "2026-06-30"}
    together = check_violations(parcels, compliance=compliance, **kw)
    layer = set(parcels["parcel_id"])
    for i in range(n):
        # a record filed under another plot of the layer is that plot's; one whose 宗地代码 is
        # in no plot of the layer (PX, blank) counts by its USCC: alone, the plot sees the same
        mine = compliance["parcel_id"].map(lambda p, i=i: p not in layer or p == f"P{i}")
        alone = check_violations(parcels.iloc[[i]], compliance=compliance[mine], **kw).iloc[0]
        assert together.iloc[i] == alone


# --- 底数清单 summary: flags and missing inputs column by column ------------------------------


def _summary_reference(checks: pd.DataFrame, triggers: list[str]) -> tuple[list[str], list[str]]:
    """``flags`` and ``to_verify`` as _summary_columns wrote them plot by plot."""
    from landgov.screening._common import CHECK_LABELS, Check

    names = list(checks.columns)
    labels = [CHECK_LABELS[Check(c)] for c in names]
    rows = list(zip(*(checks[c].tolist() for c in names), strict=True))
    wanted = [i for i, c in enumerate(names) if c in triggers]
    flags = [
        "；".join(lab for lab, v in zip(labels, row, strict=True) if v.status is Status.FAIL)
        for row in rows
    ]
    missing = ["、".join(dict.fromkeys(m for i in wanted for m in row[i].missing)) for row in rows]
    return flags, missing


@settings(max_examples=40, deadline=None)
@given(rnd=st.data(), n=st.integers(1, 8))
def test_summary_columns_match_plot_by_plot(rnd, n) -> None:
    from landgov.screening._screen import _summary_columns

    checks = pd.DataFrame(
        {
            c: [
                _verdict(
                    c, rnd.draw(st.sampled_from([Status.PASS, Status.FAIL, Status.UNKNOWN])), rnd
                )
                for _ in range(n)
            ]
            for c in CHECK_NAMES
        }
    )
    triggers = rnd.draw(st.lists(st.sampled_from(CHECK_NAMES), unique=True, max_size=5))
    got = _summary_columns(checks, triggers)
    flags, missing = _summary_reference(checks, triggers)
    assert got["flags"].tolist() == flags
    assert got["to_verify"].tolist() == missing


@given(
    st.lists(
        st.one_of(
            st.floats(-1e6, 1e6),
            st.sampled_from([float("nan"), float("inf")]),
            st.integers(-5, 5),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["float64", "int64", "bool", "object", "Float64", "Int64"]),
)
def test_present_values_are_judged_as_is_missing(values, dtype) -> None:
    from landgov.core.missing import present_values

    try:
        column = pd.Series(values).astype(dtype)
    except (TypeError, ValueError, OverflowError, RuntimeWarning):  # not representable
        return
    expected = [None if is_missing(v) else v for v in column.tolist()]
    got = present_values(column)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert [repr(v) for v in got] == [repr(v) for v in expected]


_TEXTS = st.one_of(
    st.sampled_from(["", " ", "—", "－－", "ＮＡ", "None", "无", " 未知 ", "0", "否", "C", "x"]),
    st.text(max_size=4),
    st.none(),
    st.just(float("nan")),
)


@settings(deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=12), st.sampled_from(["object", "str"]))
def test_present_values_of_text_are_judged_as_is_missing(values, dtype) -> None:
    """Each distinct text judged once gives what :func:`is_missing` gives cell by cell."""
    from landgov.core.missing import present_values

    column = pd.Series(values, dtype=dtype)
    expected = [None if is_missing(v) else v for v in column.tolist()]
    got = present_values(column)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert [repr(v) for v in got] == [repr(v) for v in expected]


# --- 亩均评价: scale read once per row; grades parsed once per text ----------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from([True, False, None, float("nan"), pd.NA, "是", 0, 1]),
        min_size=1,
        max_size=8,
    )
)
def test_reportable_by_row_matches_map_per_indicator(profile, scales) -> None:
    from landgov.efficiency._indicators import INDICATORS, reportable

    frame = pd.DataFrame({"above_scale": pd.Series(scales, dtype=object)})
    above = set(profile.value("scoring.weights_above_scale", {}) or list(INDICATORS))
    below = set(profile.value("scoring.weights_below_scale", {}) or list(INDICATORS))
    scale = frame["above_scale"].astype(object)
    slow = pd.DataFrame(
        {
            n: scale.map(
                lambda v, n=n: True if v is None or pd.isna(v) else n in (above if v else below)
            ).astype(bool)
            for n in INDICATORS
        },
        index=frame.index,
    )
    pd.testing.assert_frame_equal(reportable(frame, profile=profile), slow)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["A", "b", "Ａ类", "C 类", "优先支持", "", "—", None, float("nan"), 3]),
            st.text(max_size=4),
        ),
        max_size=12,
    )
)
def test_grade_parsed_once_per_text_is_grade_parse(values) -> None:
    from landgov.core.vocab import Grade
    from landgov.efficiency._evaluate import _parse_grade

    parse = _parse_grade()
    assert [parse(v) for v in values + values] == [Grade.parse(v) for v in values + values]


@settings(deadline=None)  # its first example took > 200 ms on a loaded machine
@given(
    st.lists(st.sampled_from([None, float("nan"), 0.0, 1.234, 85.0]), min_size=1, max_size=6),
    st.sampled_from(["float64", "object"]),
)
def test_items_text_known_per_column_matches_notna_per_value(scores, dtype) -> None:
    from landgov.efficiency._evaluate import _items_text
    from landgov.efficiency._indicators import INDICATORS

    cols = {f"score_{n}": pd.Series(scores, dtype=dtype) for n in INDICATORS}
    out = pd.DataFrame(cols)
    labels = [i.label for i in INDICATORS.values()]
    rows = zip(*(out[c].tolist() for c in cols), strict=True)
    slow = [
        "；".join(f"{lab} {v:.2f}" for lab, v in zip(labels, row, strict=True) if pd.notna(v))
        for row in rows
    ]
    assert _items_text(out).tolist() == slow
