"""The HTML report in a real browser (headless Chromium from Debian, driven by Playwright): every
image shows, nothing is fetched, and the page fits a desktop and a phone width.

Skipped when Chromium is not installed; `.ci/run` installs it so CI runs these tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt install chromium)")

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report_file(synthetic_config_path, tmp_path_factory) -> Path:
    from reportgen import load_config, run_report

    out = tmp_path_factory.mktemp("browser") / "out"
    run_report(load_config(synthetic_config_path), out, pdf=False)
    alone = out.parent / "alone"
    alone.mkdir()
    shutil.copy(out / "report.html", alone / "report.html")  # no figures folder beside it
    return alone / "report.html"


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_report_renders_whole_and_fits_the_width(browser, report_file, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.alt])")
    assert len(images) >= 8
    assert all(complete and natural > 0 and alt for complete, natural, alt in images)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a {width}px screen"
    headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
    assert "Executive summary" in headings and "Seven questions, answered" in headings
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    page.close()
