"""The executive report in a real browser (Debian chromium driven by Playwright).

The network is blocked (every request that is not the report's own file:// URL is aborted
and recorded): the report must make no request, log no console error, draw every chart,
and run none of the script payloads hidden in its partner and program names.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rotlib.pipeline.steps import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOT = REPO_ROOT / "docs" / "report-screenshot.png"


@pytest.fixture(scope="module")
def report(concurrent_runs) -> Path:
    out, codes, results = concurrent_runs
    assert codes == [0, 0], [r[1][-2000:] for r in results]
    return (out / "latest" / "executive_report.html").resolve()


def test_report_in_a_real_browser_with_the_network_blocked(report, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed: apt-get install -y chromium "
                    "(.ci/run installs it before make test)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    blocked: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 1400},
                                          java_script_enabled=True)
            page = context.new_page()

            def route(r):
                url = r.request.url
                requests.append(url)
                if url.startswith("file://"):
                    r.continue_()
                else:
                    blocked.append(url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_timeout(500)

            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.alt])")
            pwned = page.evaluate("() => window.__pwned === 1")
            scripts = page.eval_on_selector_all("script", "els => els.length")
            title = page.title()
            kpis = page.eval_on_selector_all("[data-figure]", "els => els.length")
            target = SCREENSHOT if (not SCREENSHOT.exists()
                                    or os.environ.get("ROT_UPDATE_SCREENSHOT") == "1") \
                else tmp_path / "report-screenshot.png"
            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": 1100,
                                                     "height": 1300})
        finally:
            browser.close()

    assert blocked == [], f"the report tried to reach the network: {blocked}"
    assert requests == [report.as_uri()], requests
    assert console_errors == [] and page_errors == [], (console_errors, page_errors)
    assert dialogs == [] and not pwned, "a hostile partner name ran as script"
    assert scripts == 0
    assert title == "Return on Trust: executive report"
    assert len(images) >= 3, "charts: tiers, cohort forest, event study, ratio, risk"
    assert all(done and width > 0 and alt for done, width, alt in images), images
    assert kpis >= 10
    assert target.exists() and target.stat().st_size > 10_000
