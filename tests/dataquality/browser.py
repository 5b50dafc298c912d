"""Headless Chromium through Selenium, for the tests that look at pages as a person does.

Debian's `chromium` and `chromium-driver` (installed by .ci/run when missing). Where neither can be installed,
the browser tests are skipped with that reason; nothing is downloaded at run time.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--window-size=1400,1000", "--hide-scrollbars",
)
SEVERE = "SEVERE"


def chromium_paths() -> tuple[str, str]:
    """The browser and driver binaries, or a skip naming what is missing."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip("No browser: Debian's chromium and chromium-driver are not installed and could not be (see .ci/run)")
    return browser, driver


def start_chromium(user_data_dir: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    # Console messages, and every network request the page makes (the DevTools log), for the checks below.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


class Browser:
    """One Chromium session against the live server, logged in as a given user through a session cookie."""

    def __init__(self, driver, live_server_url: str, screenshots: Path):
        self.driver = driver
        self.base = live_server_url
        self.screenshots = screenshots

    def log_in(self, user) -> None:
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.driver.get(f"{self.base}/static/dataquality/report.css")  # a page on the host, to set its cookie
        self.driver.delete_all_cookies()
        self.driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})

    def open(self, path: str) -> None:
        self.driver.get_log("browser")  # start each page with empty logs
        self.driver.get_log("performance")
        self.driver.get(self.base + path)
        self.wait_for(lambda: self.driver.execute_script("return document.readyState") == "complete")

    def wait_for(self, condition, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the page did not get there in time")
            time.sleep(0.05)

    def screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def console_errors(self) -> list[dict]:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == SEVERE]

    def requested_urls(self) -> list[str]:
        """Every URL the page requested: the DevTools network log and the page's own resource timing."""
        import json

        urls = [
            message["params"]["request"]["url"]
            for message in (json.loads(entry["message"])["message"] for entry in self.driver.get_log("performance"))
            if message["method"] == "Network.requestWillBeSent"
        ]
        urls += self.driver.execute_script(
            "return performance.getEntries().filter(e => e.name.includes(':')).map(e => e.name)"
        )
        return urls

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base).netloc
        return [url for url in self.requested_urls() if urlsplit(url).scheme != "data" and urlsplit(url).netloc != own]
