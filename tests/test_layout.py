"""Layout that never loses text (issue 24): the PDF of each preset and of each shared public table, read back
with pdfminer.six character by character, page by page.

Each report is built once, through the command line, when a test first asks for it. A page is what pdfminer
reads of it: a box per character (its advance by the font size, from the descent up) and per image (each
figure is one), turned here into distances from the page's top-left corner. The page area is what `@page` in
assets/report.css leaves inside the margins (`PORTRAIT`; `LANDSCAPE` for `@page wide`); the cover, page 1,
has no margins and a layout of its own.

What fails, each failure named by its page and the words on the line where it happens:

- text beyond the page's edges, or left or right of the page area: a table too wide for the page;
- text in the top or bottom margin other than the running header and footer, which are set at 7.5pt
  (`RUNNING_TEXT_SIZE`): body text pushed past the page area by a block that cannot break;
- a figure reaching outside the page area: a figure taller than the page is cut, with its words;
- a character over a character of another line, or over a figure. Boxes are first shrunk by `INSET` of
  their size on each side, so that glyphs that merely touch (a descender above the next line's capitals)
  do not count, and two characters that follow each other on one baseline (a kerned 'y.') may overlap;
- a page left mostly empty: its text and figures end within the top `LEAST_FILLED` (20%) of the page area.
  Exempt are the last page (a report ends where it ends) and the cover (it fills its page by design). The
  contents page is held to the rule; its entries reach about 40% down. So is a page that holds only a
  figure that did not fit under the text before it: the shortest such page in these reports, the gains chart
  closing the targeting section, reaches 24% down and is a whole chart with its caption, while every stub
  seen when this test was written stayed under 20%: a caption whose figure had been cut off the page before
  (1%), the last part of "Exploring the data" or the last note of the segments (4-8%), and the end of an
  executive summary that ran over its page (5-18%), each left alone because the next section must start a
  page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import PRESETS, TABLES

MM = 72 / 25.4
# (top, right, bottom, left) of `@page` and of `@page wide` in assets/report.css, in points.
PORTRAIT = tuple(side * MM for side in (20, 17, 20, 17))
LANDSCAPE = tuple(side * MM for side in (15, 15, 17, 15))
RUNNING_TEXT_SIZE = 7.5
TOLERANCE = 1.0  # points
INSET = 0.15  # of a character box's width and height, on each side
LEAST_FILLED = 0.20
NEARBY = 250  # points either side of a failing glyph whose words name the place

REPORTS = PRESETS + list(TABLES)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def shrunk(self, dx: float, dy: float) -> Box:
        return Box(self.left + dx, self.top + dy, self.right - dx, self.bottom - dy)

    def inset(self, share: float) -> Box:
        return self.shrunk((self.right - self.left) * share, (self.bottom - self.top) * share)

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)


@dataclass(frozen=True)
class Glyph:
    text: str
    box: Box
    size: float
    baseline: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]  # in drawing order, spaces included
    images: list[Box]

    @property
    def area(self) -> Box:
        """The page area inside the margins of `@page` (or `@page wide`, for a landscape page)."""
        top, right, bottom, left = LANDSCAPE if self.width > self.height else PORTRAIT
        return Box(left, top, self.width - right, self.height - bottom)

    def around(self, index: int) -> str:
        """The words on glyph `index`'s line near it, with a space wherever glyphs stand apart (table cells)."""
        glyph = self.glyphs[index]
        line = sorted((g for g in self.glyphs if abs(g.baseline - glyph.baseline) < 0.5
                       and abs(g.box.left - glyph.box.left) < NEARBY), key=lambda g: g.box.left)
        words, right = "", None
        for g in line:
            words += (" " if right is not None and g.box.left - right > 0.2 * g.size else "") + g.text
            right = g.box.right
        return " ".join(words.split())

    def inked(self) -> list[int]:
        return [i for i, glyph in enumerate(self.glyphs) if glyph.text.strip()]

    def body(self) -> list[int]:
        """The inked glyphs other than the running header's and footer's."""
        return [i for i in self.inked() if not self.in_the_margin_bands(i)]

    def in_the_margin_bands(self, index: int) -> bool:
        box, area = self.glyphs[index].box, self.area
        middle = (box.top + box.bottom) / 2
        return middle < area.top or middle > area.bottom


def pdf_pages(path: Path) -> list[Page]:
    """Every page's glyphs and images, as pdfminer reads them without grouping them into lines."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    with path.open("rb") as stream:
        for number, pdf_page in enumerate(PDFPage.get_pages(stream), start=1):
            interpreter.process_page(pdf_page)
            pages.append(page_of(number, device.get_result()))
    return pages


def page_of(number: int, layout) -> Page:
    """A page from pdfminer's layout of it (an LTPage), with its figures' contents taken out of them."""
    from pdfminer.layout import LTChar, LTFigure, LTImage

    def leaves(container):
        for item in container:
            yield from leaves(item) if isinstance(item, LTFigure) else [item]

    def box(item) -> Box:
        return Box(item.x0, layout.height - item.y1, item.x1, layout.height - item.y0)

    items = list(leaves(layout))
    glyphs = [Glyph(item.get_text(), box(item), item.size, layout.height - item.matrix[5])
              for item in items if isinstance(item, LTChar)]
    return Page(number, layout.width, layout.height, glyphs, [box(item) for item in items if isinstance(item, LTImage)])


def text_outside_the_page_area(page: Page) -> list[str]:
    """Text beyond the page's edges, left or right of its area, or in its top or bottom margin (other than the
    running header and footer). The cover is checked against the page's edges only."""
    sheet, area = Box(0, 0, page.width, page.height), page.area
    found = {"off the page": [], "in the side margin": [], "in the top or bottom margin": []}
    for index in page.inked():
        box = page.glyphs[index].box
        if not within(box, sheet):
            found["off the page"].append(index)
        elif page.number > 1 and not within(box, Box(area.left, sheet.top, area.right, sheet.bottom)):
            found["in the side margin"].append(index)
        elif page.number > 1 and page.in_the_margin_bands(index) \
                and page.glyphs[index].size > RUNNING_TEXT_SIZE + 0.05:
            found["in the top or bottom margin"].append(index)
    return [f"page {page.number}: {where}: {page.around(index)!r}"
            for where, indexes in found.items() for index in one_per_line(page, indexes)]


def figures_outside_the_page_area(page: Page) -> list[str]:
    """Figures (on pages after the cover) that reach past the page area: cut at the page's foot, say."""
    area = page.area
    return [f"page {page.number}: a figure reaches {image.bottom / MM:.0f} mm down and {image.right / MM:.0f} mm "
            f"across; the page area ends at {area.bottom / MM:.0f} mm and {area.right / MM:.0f} mm"
            for image in page.images if page.number > 1 and not within(image, area)]


def text_drawn_over_text_or_figures(page: Page) -> list[str]:
    """Characters whose shrunk boxes overlap another line's character, or a figure. Two characters that
    follow each other on one baseline (a kerned pair) may touch."""
    inked = page.inked()
    boxes = [page.glyphs[i].box.inset(INSET) for i in inked]
    left, top, right, bottom = (np.array([getattr(b, side) for b in boxes]) for side in
                                ("left", "top", "right", "bottom"))
    overlapping = ((left[:, None] < right[None, :]) & (left[None, :] < right[:, None])
                   & (top[:, None] < bottom[None, :]) & (top[None, :] < bottom[:, None]))
    over_text = {}
    for a, b in zip(*np.nonzero(np.triu(overlapping, k=1))):
        first, second = inked[a], inked[b]
        baselines = (round(page.glyphs[first].baseline), round(page.glyphs[second].baseline))
        if second - first > 1 or baselines[0] != baselines[1]:
            over_text.setdefault(baselines, (first, second))
    found = [f"page {page.number}: text over text: {page.around(first)!r} and {page.around(second)!r}"
             for first, second in over_text.values()]
    for image in page.images:
        under = [index for index, box in zip(inked, boxes) if box.overlaps(image.shrunk(TOLERANCE, TOLERANCE))]
        found += [f"page {page.number}: text over a figure: {page.around(index)!r}"
                  for index in one_per_line(page, under)]
    return found


def filled_share(page: Page) -> float:
    """How far down the page area its text (other than the running header and footer) and figures reach,
    as a share of the area's height."""
    area = page.area
    bottoms = [page.glyphs[i].box.bottom for i in page.body()] + [image.bottom for image in page.images]
    return (max(bottoms, default=area.top) - area.top) / (area.bottom - area.top)


def within(box: Box, frame: Box) -> bool:
    return (box.left >= frame.left - TOLERANCE and box.top >= frame.top - TOLERANCE
            and box.right <= frame.right + TOLERANCE and box.bottom <= frame.bottom + TOLERANCE)


def one_per_line(page: Page, indexes: list[int]) -> list[int]:
    """The first of `indexes` on each baseline: a line that fails fails once."""
    first = {}
    for index in indexes:
        first.setdefault(round(page.glyphs[index].baseline), index)
    return list(first.values())


@pytest.fixture(scope="module")
def report_pages(built_report):
    """name -> the pages of that report's PDF, from the session's shared runs (the bundled students report is
    the default run)."""

    @functools.cache
    def pages_of(name: str) -> list[Page]:
        built = built_report("default" if name == "students" else name)
        assert built.completed.returncode == 0, built.completed.stderr
        return pdf_pages(built.out / "report.pdf")

    return pages_of


@pytest.mark.parametrize("name", REPORTS)
def test_no_text_or_figure_leaves_the_page_area(report_pages, name):
    pages = report_pages(name)
    assert [line for page in pages for line in
            text_outside_the_page_area(page) + figures_outside_the_page_area(page)] == []


@pytest.mark.parametrize("name", REPORTS)
def test_no_text_is_drawn_over_text_or_a_figure(report_pages, name):
    assert [line for page in report_pages(name) for line in text_drawn_over_text_or_figures(page)] == []


@pytest.mark.parametrize("name", REPORTS)
def test_no_page_but_the_last_is_left_mostly_empty(report_pages, name):
    pages = report_pages(name)
    assert [f"page {page.number}: {filled_share(page):.0%} filled: {page.around(next(iter(page.body()), 0))!r}"
            for page in pages[1:-1] if filled_share(page) < LEAST_FILLED] == []


def test_the_checks_find_each_fault_on_a_page_made_to_have_it(tmp_path):
    """The checks on a small document set with the report's stylesheet: a table too wide for the page, a line
    drawn over another, words over a figure, a page that a forced break leaves with two lines and a figure
    taller than the page; a page laid out as usual passes every check."""
    from PIL import Image

    from reportgen.render import render_pdf, stylesheet

    Image.new("RGB", (400, 200), "steelblue").save(tmp_path / "figure.png")
    words = "Words to read. " * 40
    html = f"""<style>{stylesheet(None)}</style>
    <p>The cover.</p>
    <section class="summary">
      <table><tr><td class="num">{"1,234,567 " * 11}</td></tr></table>
      <p>Words drawn first</p><p style="margin-top: -2em">and words drawn over them</p>
      <figure><img src="figure.png" alt=""></figure><p style="margin-top: -30mm">Words over the figure</p>
    </section>
    <section class="questions"><p>Two lines</p><p>left alone.</p></section>
    <section class="models">{f"<p>{words}</p>" * 4}<figure><img src="figure.png" alt=""></figure></section>
    <section class="logit"><img src="figure.png" alt="" style="height: 280mm"></section>
    <section class="appendix"><p>The last page.</p></section>"""
    render_pdf(html, tmp_path / "faults.pdf", base_dir=tmp_path)
    _, faults, short, usual, too_tall, _ = pdf_pages(tmp_path / "faults.pdf")

    assert [line.split(": ")[1] for line in text_outside_the_page_area(faults)] == ["in the side margin"]
    assert sorted(line.split(": ")[1] for line in text_drawn_over_text_or_figures(faults)) == [
        "text over a figure", "text over text"]
    assert filled_share(short) < LEAST_FILLED <= filled_share(usual)
    assert text_outside_the_page_area(usual) + figures_outside_the_page_area(usual) == []
    assert text_drawn_over_text_or_figures(usual) == []
    assert len(figures_outside_the_page_area(too_tall)) == 1
