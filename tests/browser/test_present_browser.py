"""Slide mode in a real browser, at a projector's two common sizes: controls hidden, nothing scrolls, type to read.

Every one of the 14 slides is stepped through with the keys a clicker sends
(→, PageDown, space), and on each the window and the slide are measured:
the page must not scroll, the slide must fill the window, its body must not
overflow. At 1920x1080 the headline numbers must be at least 60 px, their
labels 24 px, and a chart's smallest text (22 px in the picture) at least 20 px.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
SLIDES = 14
CHART_TEXT_PX = 22  # the smallest type in a slide's chart picture, at its design size (half the PNG's pixels)
MEASURE = """() => {
  const frame = document.querySelector('.jp-frame.jp-full').getBoundingClientRect();
  const body = document.querySelector('.jp-body');
  const foot = document.querySelector('.jp-foot').getBoundingClientRect();
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    page: Math.max(document.scrollingElement.scrollHeight, main.scrollHeight), inner: innerHeight, width: innerWidth,
    frame: [frame.width, frame.height], foot: foot.bottom,
    overflow: body ? body.scrollHeight - body.clientHeight : 0,
    counter: document.querySelector('.jp-foot [role="status"]').innerText,
  };
}"""
VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
  '[data-testid="stSelectbox"], [data-testid="stButtonGroup"], [data-testid="stDownloadButton"], [data-testid="stExpander"],'
  + '[data-testid="stSidebar"], [data-testid="stHeader"],'
  + '[data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"]')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 2 && r.height > 2 && r.right > 0 && r.bottom > 0
    && getComputedStyle(e).visibility !== 'hidden'; }).length"""
FONT_PX = "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
CHART_SCALE = """() => { const img = document.querySelector('.jp-body img');
  return img ? img.getBoundingClientRect().width / (img.naturalWidth / 2) : null; }"""


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _press(visit, key: str) -> None:
    visit.page.keyboard.press(key)
    visit.settle()


def _check_slide(visit, number: int, size: dict[str, int]) -> None:
    """Slide ``number`` at the window ``size``: fills the window, nothing scrolls or overflows, type large enough."""
    page = visit.page
    page.set_viewport_size(size)
    page.evaluate(NEXT_FRAME)  # laid out at the new size
    shown = page.evaluate(MEASURE)
    assert shown["page"] <= shown["inner"], (number, size, shown)
    assert shown["frame"] == [size["width"], size["height"]], (number, size, shown)
    assert shown["foot"] <= shown["inner"] and shown["overflow"] <= 1, (number, size, shown)
    assert shown["counter"] == f"第 {number} / {SLIDES} 页"
    scale = page.evaluate(CHART_SCALE)
    if scale is not None and size["width"] == 1920:
        assert scale * CHART_TEXT_PX >= 20, (number, scale)
    if number == 3 and size["width"] == 1920:
        assert page.evaluate(FONT_PX, ".jp-value") >= 60
        assert page.evaluate(FONT_PX, ".jp-label") >= 24
    if number == 1 or number % 4 == 0:
        visit.shot(f"present-slide-mode-{size['width']}x{size['height']}-{number:02d}")


@pytest.mark.parametrize("visit", SIZES[:1], indirect=True, ids=["1280x720-and-1920x1080"])
def test_slide_mode_hides_the_controls_and_no_slide_scrolls(visit):
    """Each slide is measured at both projector sizes (the window resized on it: slide mode is laid out by CSS alone)."""
    page = visit.open("/present?lang=zh")
    page.get_by_text("封面：汇报单位、会议名称与日期").click()
    page.get_by_label("汇报单位").fill("城东区民政局")
    page.get_by_label("汇报单位").press("Enter")
    visit.settle()
    page.get_by_role("button", name="开始放映").click()
    visit.settle()
    assert "show=1" in page.url
    assert page.evaluate(VISIBLE_CONTROLS) == 0
    assert "汇报单位：城东区民政局" in page.locator(".jp-slide").inner_text()
    keys = ["ArrowRight", "PageDown", "Space"]
    for number in range(1, SLIDES + 1):
        page.wait_for_selector(f'.jp-frame[data-slide="{number}"]')
        for size in SIZES:
            _check_slide(visit, number, size)
        if number < SLIDES:
            _press(visit, keys[number % len(keys)])
    _press(visit, "PageUp")
    page.wait_for_selector(f'.jp-frame[data-slide="{SLIDES - 1}"]')
    _press(visit, "Escape")
    assert "show=1" not in page.url
    page.get_by_role("button", name="开始放映").wait_for()
