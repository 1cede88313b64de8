"""The generated maps opened in headless Debian Chromium (selenium).

Checks what a meeting-room PC would see: no request leaves the file with ``--basemap none``,
no console error, every parcel of the layer drawn, injected names shown as text and never run,
redacted pages without names, codes or money. A screenshot of the demo map is kept in
``tests/_artifacts/`` for review.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
from _browser import chromium_driver, console_errors, missing_browser, requested_urls, wait_drawn
from _mapfixtures import INJECTIONS, RunFacts, write_run
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from landgov.maps import build_map, load_run

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "_artifacts"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    why = missing_browser()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests need Chromium in CI: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    with chromium_driver() as drv:
        yield drv


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("browser") / "柯桥示例", n_side=8)


def _open(driver: Any, page: Path) -> dict[str, Any]:
    driver.get("about:blank")
    driver.get_log("performance")  # drain: keep only this page's requests
    driver.get_log("browser")
    driver.get(page.as_uri())
    return wait_drawn(driver)


def _drawable(run: RunFacts) -> int:
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    return int((parcels.geometry.notna() & ~parcels.geometry.is_empty).sum())


def _foreign(urls: list[str], page: Path) -> list[str]:
    return [u for u in urls if not u.startswith("data:") and u != page.as_uri()]


def test_offline_map_draws_every_parcel_and_requests_nothing(
    driver: Any, run: RunFacts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = build_map(run.path, title="柯桥区工业用地治理简报图").save(tmp_path / "demo.html")
    state = _open(driver, page)
    assert state["ready"] and not state["errors"]
    assert state["drawn"] == state["parcelCount"] == _drawable(run) == run.n_parcels
    assert _foreign(requested_urls(driver), page) == []
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert [r for r in resources if not r.startswith("data:")] == []
    assert console_errors(driver) == []
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-label-text')).map(e => e.textContent)"
    )
    assert sorted(labels) == ["华舍街道", "柯岩街道"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "map_demo.png"
    driver.execute_script("landgovMap.openParcel(5)")
    WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.execute_script(
            "var p = document.querySelector('.leaflet-popup');"
            "return p && getComputedStyle(p).opacity === '1'"
        )
    )
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\n[landgov] demo map screenshot: {shot}")


def test_every_theme_draws_every_parcel(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    page = build_map(run.path).save(tmp_path / "themes.html")
    _open(driver, page)
    radios = driver.find_elements("css selector", ".leaflet-control-layers-base input")
    names = driver.find_elements("css selector", ".leaflet-control-layers-base label")
    assert [n.text.strip() for n in names] == [
        "亩均税收",
        "亩均评价等级",
        "四个一批路径",
        "增容评估",
        "（不显示地块）",
    ]
    for radio, key in zip(radios[:4], ("tax", "grade", "path", "far"), strict=True):
        radio.click()
        state = driver.execute_script("return {a: landgovMap.active, d: landgovMap.drawn}")
        assert state == {"a": key, "d": run.n_parcels}
        legend = driver.find_element("css selector", ".lg-legend-title").text
        assert legend
    assert console_errors(driver) == []


def test_click_opens_the_parcel_record(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    page = build_map(run.path).save(tmp_path / "click.html")
    _open(driver, page)
    # aim at parcel 9's interior: the centre of its bounding box (parcels are convex-ish)
    xy = driver.execute_script(
        "var p = landgovMap.map.latLngToContainerPoint(landgovMap.centerOf(9)); return [p.x, p.y];"
    )
    size = driver.find_element("id", "lg-map").size
    ActionChains(driver).move_to_element_with_offset(
        driver.find_element("id", "lg-map"),
        int(xy[0] - size["width"] / 2),
        int(xy[1] - size["height"] / 2),
    ).click().perform()
    head = driver.find_element("css selector", ".lg-popup-head").get_attribute("textContent")
    assert head == "地企档案 · 330603001001GB00009"
    # the buttons' tooltips in Chinese, not Leaflet's English ones
    titles = driver.execute_script(
        "return ['.leaflet-control-zoom-in', '.leaflet-control-zoom-out',"
        " '.leaflet-popup-close-button'].map(function (s) {"
        " var b = document.querySelector(s);"
        " return b && (b.title || b.getAttribute('aria-label')); });"
    )
    assert titles == ["放大", "缩小", "关闭"]


def _click_item_with(driver: Any, text: str) -> bool:
    """Click the first search hit showing ``text``; False (try again) while the list redraws."""
    try:
        for item in driver.find_elements("css selector", ".lg-search-item"):
            if text in item.text:
                item.click()
                return True
    except StaleElementReferenceException:
        return False
    return False


def test_injected_names_show_as_text_and_run_nothing(
    driver: Any, run: RunFacts, tmp_path: Path
) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    page = build_map(run.path, title=INJECTIONS[1]).save(tmp_path / "xss.html")
    _open(driver, page)
    texts = [
        driver.execute_script(f"return landgovMap.openParcel({i}).textContent") for i in range(5)
    ]
    joined = "\n".join(texts)
    for bad in INJECTIONS:
        assert bad in joined  # shown literally
    assert driver.find_element("css selector", ".lg-title-main").text == INJECTIONS[1]
    # the search box lists the same names as text
    box = driver.find_element("css selector", ".lg-search-input")
    box.send_keys("onerror")
    # the list is redrawn after each key: click the hit once a drawn list shows it as text
    WebDriverWait(driver, 10).until(lambda d: _click_item_with(d, INJECTIONS[0]))
    WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: any(
            e.get_attribute("textContent").endswith("GB00000")
            for e in d.find_elements("css selector", ".lg-popup-head")
        )
    )
    assert driver.execute_script("return window.__pwned === undefined")
    injected = "return document.querySelectorAll('.lg-popup img, .lg-popup svg, script:not([id])')"
    assert driver.execute_script(injected + ".length") == 2  # only our two scripts
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert _foreign(requested_urls(driver), page) == []  # <img src=x> never loaded
    assert console_errors(driver) == []


def test_redacted_page_in_the_browser(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    page = build_map(run.path, redact=True).save(tmp_path / "redacted.html")
    _open(driver, page)
    title = driver.find_element("css selector", ".lg-title").text
    assert "脱敏" in title
    shown = driver.execute_script(
        "var out = []; for (var i = 0; i < landgovMap.parcelCount; i++)"
        " out.push(landgovMap.openParcel(i).textContent); return out.join('\\n');"
    )
    shown += driver.find_element("tag name", "body").text
    for secret in (*run.names, *run.holders, *run.usccs):
        assert secret not in shown
    # 宗地代码 identify land rights: the popups show 「地块 0001」 labels instead
    codes = load_run(run.path).parcels["parcel_id"].astype(str)
    assert not [code for code in codes if code in shown]
    assert len(set(re.findall(r"地块 \d{4}", shown))) == run.n_parcels
    assert driver.execute_script("return landgovMap.search('地块 0001', 5).length") == 1
    # enterprise figures are masked; the public threshold they are compared with stays
    assert "亩均税收 ■ 万元/亩" in shown and "低于 5 万元/亩" in shown
    assert set(re.findall(r"(\d[\d.,]*)\s*万元", shown)) == {"5"}
    panel = driver.find_element("css selector", ".lg-panel").text
    assert "规上亩均税收" in panel and "41.6" in panel  # district aggregate and target stay
    assert "（模拟数据）" not in title and "柯桥示例" not in title  # never the folder's name
    assert "亩均税收" not in [
        e.text.strip()
        for e in driver.find_elements("css selector", ".leaflet-control-layers-base label")
    ]
    assert console_errors(driver) == []
    driver.execute_script("landgovMap.openParcel(0)")
    _popup_shown(driver)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "map_redacted.png"))


def test_gaode_map_requests_only_gaode_tiles(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    page = build_map(run.path, basemap="gaode").save(tmp_path / "gaode.html")
    state = _open(driver, page)
    assert state["drawn"] == run.n_parcels
    hosts = {urlsplit(u).hostname for u in _foreign(requested_urls(driver), page)}
    assert hosts and all(re.fullmatch(r"webrd0[1-4]\.is\.autonavi\.com", h) for h in hosts)


def test_bare_and_aggregated_runs_open_cleanly(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    from landgov.maps import MapStyle

    bare = write_run(tmp_path / "bare", optional_layers=False, manifest=False)
    page = build_map(bare.path).save(tmp_path / "bare.html")
    state = _open(driver, page)
    assert state["ready"] and state["drawn"] == bare.n_parcels
    assert console_errors(driver) == []
    page = build_map(run.path, style=MapStyle(max_parcels=10)).save(tmp_path / "agg.html")
    state = _open(driver, page)
    assert state["ready"] and state["drawn"] == 0 and state["parcelCount"] is None
    message = driver.find_element("css selector", ".lg-message").text
    assert "按镇街汇总" in message
    assert _foreign(requested_urls(driver), page) == []
    assert console_errors(driver) == []


def _popup_shown(driver: Any) -> None:
    WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.execute_script(
            "var p = document.querySelector('.leaflet-popup');"
            "return p && getComputedStyle(p).opacity === '1'"
        )
    )


def _governed(run: RunFacts) -> int:
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    return int(parcels.index[parcels["path"].notna()][0])


def test_popup_opens_on_the_verdict_and_highlights_the_plot(
    driver: Any, run: RunFacts, tmp_path: Path
) -> None:
    page = build_map(run.path).save(tmp_path / "verdict.html")
    _open(driver, page)
    i = _governed(run)
    driver.execute_script("landgovMap.openParcel(arguments[0])", i)
    _popup_shown(driver)
    sections = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-popup .lg-sec'), e => e.textContent)"
    )
    assert sections[0] == "筛查结论与四个一批路径" and sections[1] == "宗地档案"
    first = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-popup th'), e => e.textContent)"
    )
    assert first[:2] == ["筛查结论", "四个一批路径"] and "理由（含政策依据）" in first[:5]
    assert driver.execute_script("return landgovMap.highlighted") == i
    panes = driver.execute_script(
        "return document.querySelectorAll('.leaflet-lg-highlight-pane canvas').length"
    )
    assert panes == 1
    driver.execute_script("landgovMap.map.closePopup()")
    assert driver.execute_script("return landgovMap.highlighted") is None
    assert console_errors(driver) == []


def _covering(driver: Any) -> list[str]:
    """Visible overlays (title, panel, legend, controls) whose box overlaps the open popup."""
    return driver.execute_script(
        """
        var pop = document.querySelector('.leaflet-popup').getBoundingClientRect(), out = [];
        document.querySelectorAll('.lg-title, .lg-message, .leaflet-control').forEach(function (e) {
          var r = e.getBoundingClientRect();
          if (getComputedStyle(e).visibility === 'hidden' || !r.width) return;
          if (pop.left < r.right && r.left < pop.right && pop.top < r.bottom && r.top < pop.bottom)
            out.push(e.className);
        });
        return out;"""
    )


def test_overlays_never_cover_a_popup(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    page = build_map(run.path, title="柯桥区工业用地治理简报图").save(tmp_path / "cover.html")
    _open(driver, page)
    # the plots nearest the title (top) and nearest the panel (bottom left)
    picks = driver.execute_script(
        """
        var m = landgovMap.map, top = -1, low = -1, ty = 1e9, ly = -1;
        for (var i = 0; i < landgovMap.parcelCount; i++) {
          var p = m.latLngToContainerPoint(landgovMap.centerOf(i));
          if (p.y < ty) { ty = p.y; top = i; }
          if (p.x < 500 && p.y > ly) { ly = p.y; low = i; }
        }
        return [top, low];"""
    )
    for i in picks:
        driver.execute_script("landgovMap.openParcel(arguments[0])", i)
        _popup_shown(driver)
        WebDriverWait(driver, 5).until(lambda d: not _covering(d))
        driver.execute_script("landgovMap.map.closePopup()")
    hidden = driver.execute_script("return document.querySelectorAll('.lg-yield').length")
    assert hidden == 0  # everything is back once the popup closes


def test_numbers_never_wrap_mid_number(driver: Any, run: RunFacts, tmp_path: Path) -> None:
    page = build_map(run.path).save(tmp_path / "wrap.html")
    driver.set_window_size(900, 700)
    try:
        _open(driver, page)
        driver.execute_script("landgovMap.openParcel(arguments[0])", _governed(run))
        _popup_shown(driver)
        spans = driver.execute_script(
            "return Array.from(document.querySelectorAll('.lg-popup .lg-num, .lg-panel .lg-num'),"
            " e => [e.textContent, e.getClientRects().length])"
        )
        assert len(spans) > 10
        assert [t for t, lines in spans if lines != 1] == []
        assert any(t.endswith("宗") for t, _ in spans)  # panel counts carry their unit
    finally:
        driver.set_window_size(1280, 860)


def test_a_cited_reason_shows_the_clause_words_on_hover(
    driver: Any, run: RunFacts, tmp_path: Path
) -> None:
    page = build_map(run.path).save(tmp_path / "cited.html")
    _open(driver, page)
    driver.execute_script("landgovMap.openParcel(arguments[0])", _governed(run))
    _popup_shown(driver)
    tips = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-popup li.lg-cited'), e => e.title)"
    )
    # the reason citing 虞政发〔2022〕12号 第三条第（一）项第1目 carries that clause's words
    assert any("虞政发〔2022〕12号" in t and "亩均税收5万元以下" in t for t in tips), tips
    # a longer citation is matched before a shorter one it starts with, never both
    assert all(t.count("「") == 1 for t in tips), tips
    assert console_errors(driver) == []


def test_a_list_item_keeps_the_semicolon_inside_its_brackets(driver: Any, tmp_path: Path) -> None:
    # 「综合能耗〔统计局；某公司，代码〕」 is one missing item, not two
    facts = write_run(tmp_path / "run", n_side=3)
    gpkg = facts.path / "landgov.gpkg"
    parcels = gpd.read_file(gpkg, layer="parcels")
    parcels["missing"] = None
    # a leading 「·」 is the text's own bullet: the list draws one already
    parcels.loc[0, "missing"] = (
        "· 规划用途；综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BCDEF1X〕"
    )
    parcels.to_file(gpkg, layer="parcels", engine="pyogrio")
    page = build_map(facts.path).save(tmp_path / "list.html")
    _open(driver, page)
    driver.execute_script("landgovMap.openParcel(0)")
    _popup_shown(driver)
    items = driver.execute_script(
        "var rows = Array.from(document.querySelectorAll('.lg-popup tr'));"
        "var row = rows.find(r => r.querySelector('th') &&"
        "  r.querySelector('th').textContent === '缺少的数据');"
        "return Array.from(row.querySelectorAll('li'), e => e.textContent)"
    )
    assert items == ["规划用途", "综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BCDEF1X〕"]


RULE = "规则 R4「整治提升」：其余治理清单地块 [越政发〔2022〕24号 附件3 第三条第1项]"


def test_multi_line_reasons_show_exactly_as_written(driver: Any, tmp_path: Path) -> None:
    # the page stores each distinct line once and joins them back (landgov/maps/_encode.py)
    facts = write_run(tmp_path / "run", n_side=3)
    gpkg = facts.path / "landgov.gpkg"
    parcels = gpd.read_file(gpkg, layer="parcels")
    parcels["reasons"] = [f"{RULE}\n· 亩均税收 {k}.25 万元/亩，低于 5 万元/亩" for k in range(9)]
    odd = (
        RULE,
        "· 引号 \"双\" '单'，反斜杠 C:\\地块\\1 与 \\n 字面",
        "</script><img src=x onerror=window.__pwned=3> & &amp;",
        "",  # an empty line shows no item
        '=HYPERLINK("http://x","点")',
        "  内部  两个空格  ",
        RULE,
    )
    parcels.loc[4, "reasons"] = "\n".join(odd)
    parcels.loc[5, "reasons"] = RULE  # one line
    parcels.to_file(gpkg, layer="parcels", engine="pyogrio")
    page = build_map(facts.path).save(tmp_path / "lines.html")
    assert '"reasons":{"l":' in page.read_text(encoding="utf-8")  # stored as lines
    _open(driver, page)
    shown = (
        "var rows = Array.from(document.querySelectorAll('.lg-popup tr'));"
        "var row = rows.find(r => r.querySelector('th').textContent === '理由（含政策依据）');"
        "return Array.from(row.querySelectorAll('li'), e => e.textContent)"
    )
    for i in (0, 4, 5, 8):
        driver.execute_script("landgovMap.openParcel(arguments[0])", i)
        _popup_shown(driver)
        WebDriverWait(driver, 5).until(
            lambda d, i=i: d.execute_script("return landgovMap.popupIndex") == i
        )
        # the popup lists each line trimmed, without the text's own 「·」, skipping empty ones
        lines = [
            line.strip().removeprefix("·").strip() for line in parcels["reasons"][i].split("\n")
        ]
        assert driver.execute_script(shown) == [line for line in lines if line], i
        driver.execute_script("landgovMap.map.closePopup()")
        # a closed popup fades out: wait until it has left the page before the next one
        WebDriverWait(driver, 5).until(
            lambda d: not d.execute_script("return document.querySelector('.lg-popup')")
        )
    assert driver.execute_script("return window.__pwned") is None
    assert console_errors(driver) == []
