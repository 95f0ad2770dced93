"""Playwright in Debian's Chromium (/usr/bin/chromium); Playwright's own browser download is
never used. Without Chromium the browser tests skip locally, and fail in CI
(INTERCO_REQUIRE_BROWSER=1), where a missing browser must not pass silently."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen in
# the server thread, and the test's own ORM set-up is synchronous code that is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("INTERCO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
        pytest.skip("Chromium absent : apt-get install -y chromium (obligatoire en CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
