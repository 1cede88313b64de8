"""Headless Debian Chromium driven by selenium, for the map tests and the benchmark.

``chromium_driver()`` starts ``/usr/bin/chromium`` through ``/usr/bin/chromedriver`` (never
Selenium Manager, which would try the network) with a fresh profile, console and network
logging on. In CI (``CI=true``) a missing browser is an error; elsewhere the caller skips.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("LANDGOV_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LANDGOV_CHROMEDRIVER", "/usr/bin/chromedriver")


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


@contextmanager
def chromium_driver(
    width: int = 1280, height: int = 860, extra_args: tuple[str, ...] = ()
) -> Iterator[Any]:
    """A selenium WebDriver for headless Chromium, closed on exit; ``extra_args`` are added."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="landgov-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        *extra_args,
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager go online
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    try:
        driver.set_page_load_timeout(120)
        driver.set_script_timeout(120)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for so far (CDP Network.requestWillBeSent, from the perf log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: Any) -> list[str]:
    """Console messages of level SEVERE so far."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_drawn(driver: Any, timeout: float = 60.0) -> dict[str, Any]:
    """Wait until the page is ready and its first parcel draw is on screen; return its counters.

    ``firstDrawMs`` is when the canvas calls finished, ``firstFrameMs`` the next animation frame
    (the drawing presented), both in ms since navigation started.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(
            "var m = window.landgovMap; return !!(m && (m.ready || m.errors.length))"
        )
    )
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(
            "var m = window.landgovMap;"
            " return m.errors.length || m.firstDrawMs === undefined || m.firstFrameMs !== undefined"
        )
    )
    return driver.execute_script(
        "var m = window.landgovMap; return {ready: m.ready, drawn: m.drawn, draws: m.draws,"
        " firstDrawMs: m.firstDrawMs, firstFrameMs: m.firstFrameMs, parcelCount: m.parcelCount,"
        " active: m.active, errors: m.errors};"
    )
