"""A small, dependency-free accessibility check run in the page (RGAA/WCAG AA essentials):
document language and title, landmarks, one h1, labelled form controls, images with alt,
table headers, and text contrast of at least 4.5:1 (3:1 for large text). See a11y.js."""

from pathlib import Path

A11Y_SCRIPT = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")


def assert_accessible(page):
    problems = page.evaluate(A11Y_SCRIPT)
    assert problems == [], f"{page.url}: {problems}"
