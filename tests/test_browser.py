"""The public page in a real browser: headless Chromium through Selenium, at a phone's
and a desktop's width, with axe-core run inside the page (CONTRACT §8, WCAG 2.1 AA).

Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`,
`/usr/bin/chromedriver`), the Python package `selenium` (the test extra) and axe-core
from npm (`npm install --prefix DIR axe-core`; `WIJKCTL_AXE` names its `axe.min.js`, as
`.ci/run` sets it). Nothing is downloaded at test time: Selenium gets the driver's path.
Without them the test is skipped, saying which package is missing (under CI=true, as
`.ci/run` runs, it fails instead: there a skip would hide a broken install step).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, Run, copy_data

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
REPO = Path(__file__).resolve().parent.parent
WIDTHS = (375, 1280)
DAY = "2026-12-02"


def _axe_script() -> Path | None:
    for candidate in (os.environ.get("WIJKCTL_AXE"), REPO / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _missing() -> str | None:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return "Debian-pakketten chromium en chromium-driver ontbreken (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Python-pakket selenium ontbreekt (pip install -e '.[test]')"
    if _axe_script() is None:
        return "npm-pakket axe-core ontbreekt (npm install --prefix DIR axe-core; WIJKCTL_AXE=DIR/node_modules/" \
               "axe-core/axe.min.js)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One browser session for the whole module: starting Chromium is the slow part."""
    missing = _missing()
    if missing and os.environ.get("CI") == "true":  # .ci/run installs them: a skip there hides a broken step
        pytest.fail(f"browsertest kan niet draaien in CI: {missing}")
    if missing:
        pytest.skip(f"browsertest overgeslagen: {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profiel')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


def publish_bundled(tmp_path: Path) -> tuple[Path, dict]:
    datadir = copy_data(BUNDLED, tmp_path)
    site = tmp_path / "site"
    result = Run(datadir)("publish", str(site), "--on", DAY)
    assert result.exit_code == 0, result.output
    return site, json.loads((site / "wijkplatforms.json").read_text(encoding="utf-8"))


def _visible_texts(driver, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_the_page_in_a_real_browser_at_two_widths_has_no_axe_violations(browser, tmp_path):
    site, data = publish_bundled(tmp_path)
    gebieden = [g["naam"] for g in data["gebieden"]]
    organisaties = [o["naam"] for g in data["gebieden"] for w in g["wijken"] for o in w["organisaties"]]
    assert "Wijkplatform Binnenstad" in organisaties and gebieden
    axe = _axe_script().read_text(encoding="utf-8")
    browser.get((site / "index.html").as_uri())  # one page load; the window is resized for each width
    for width in WIDTHS:
        browser.set_window_size(width, 900)
        assert browser.execute_script("return document.documentElement.clientWidth") <= width
        assert browser.title == "Wijkraden en wijkplatforms in Haarlem"
        assert _visible_texts(browser, "h2") == gebieden
        assert _visible_texts(browser, "h4") == organisaties
        assert "contact@binnenstad023.nl" in browser.find_element("css selector", "main").text
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"horizontaal scrollen op {width} px ({scroll} px breed)"
        shot = tmp_path / f"pagina-{width}.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 0
        if os.environ.get("WIJKCTL_SCREENSHOT_DIR"):  # for the docs: python -m pytest tests/test_browser.py
            shutil.copy(shot, Path(os.environ["WIJKCTL_SCREENSHOT_DIR"]) / shot.name)
        result = browser.execute_async_script(
            axe + "\nconst done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
            " 'best-practice']}}).then(r => done(JSON.stringify({violations: r.violations.map(v => ({id: v.id,"
            " nodes: v.nodes.map(n => n.target)})), passes: r.passes.length}))).catch(e => done(JSON.stringify("
            "{error: String(e)})));")
        outcome = json.loads(result)
        assert "error" not in outcome, outcome
        assert outcome["violations"] == [], f"axe-core op {width} px: {outcome['violations']}"
        assert outcome["passes"] > 10
    _narrowest_focus_and_print(browser)


def _narrowest_focus_and_print(driver) -> None:
    """Readable at 320 px without sideways scrolling; the keyboard focus is visible; the
    print stylesheet drops the navigation."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(320, 900)
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Naar de inhoud" and focused.is_displayed()
    assert focused.value_of_css_property("outline-style") == "solid"
    nav = driver.find_element(By.CSS_SELECTOR, "nav")
    assert nav.is_displayed()
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not nav.is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
