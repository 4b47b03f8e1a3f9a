"""Debian's Chromium under Selenium for the office-server tests, with axe-core (WCAG 2.1 A and AA)
run on each page state at a desktop width (1366 px) and a phone's (390 px): every violation is
recorded with the state it was found in, and so is a page that scrolls sideways on the phone."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT
from office import wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # make test installs it (npm)
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Browser:
    driver: object
    url: str
    axe: str
    findings: list[dict] = field(default_factory=list)  # [{"state", "width", "rule", "impact", "nodes"}]
    audited: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # state → the page's visible text

    def get(self, path: str) -> None:
        self.driver.get(self.url + path)

    def present(self, element_id: str):
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.ID, element_id)
        return found[0] if found else None

    def wait_for_id(self, element_id: str, deadline: float = 60, what: str = ""):
        return wait_for(lambda: self.present(element_id), deadline, what=what or f"#{element_id}")

    def audit(self, state: str) -> None:
        """axe-core on the page as it is now, at both widths; the page is left at the desktop width."""
        for width_name, (width, height) in WIDTHS.items():
            self.driver.set_window_size(width, height)
            self.driver.execute_script(self.axe)
            result = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                ".then(r => done(JSON.stringify(r.violations.map(v => ({rule: v.id, impact: v.impact,"
                " nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)})))))"
                ".catch(e => done(JSON.stringify([{rule: 'axe-error', impact: 'critical', nodes: [String(e)]}])));",
                WCAG)
            for violation in json.loads(result):
                self.findings.append({"state": state, "width": width_name, **violation})
            sideways = self.driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            if sideways > 1:
                self.findings.append({"state": state, "width": width_name, "rule": "scrolls-sideways",
                                      "impact": "serious", "nodes": [f"{sideways}px wider than the window"]})
        self.driver.set_window_size(*WIDTHS["desktop"])
        self.audited.append(state)
        self.texts[state] = self.driver.execute_script("return document.body.innerText;")


@contextlib.contextmanager
def chromium(url: str, downloads: Path) -> Iterator[Browser]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make system installs them)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1366,900", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(60)
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield Browser(driver, url, AXE.read_text("utf-8"))
    finally:
        driver.quit()
