"""reportgen/runtime/renderer.py: the render stage in a process forked before the analysis, or in this one."""

import dataclasses
import io
import threading
import time

import pytest
from conftest import run_forked
from jinja2 import UndefinedError
from PIL import Image
from pypdf import PdfReader
from test_workers import children_left_when_killed

from reportgen.engine import render_job
from reportgen.runtime.clock import StageClock
from reportgen.runtime.renderer import (
    PRINT_FIGURES,
    Renderer,
    RenderJob,
    _sendable,
    figures_and_pdf,
    render_outputs,
    rendering_modules,
    write_html,
)


def rendered_elsewhere(job, html: bool = True):
    """The job rendered as run_report renders it: figures and PDF in the renderer, the HTML here
    once the figures are drawn."""
    renderer = Renderer()
    try:
        renderer.submit(job, StageClock())
        drawn = renderer.figures_drawn()
        clock = StageClock()
        if html:
            write_html(job, drawn, clock)
        figures, seconds = renderer.result()
        assert drawn == figures
        return figures, {**seconds, **clock.seconds}
    finally:
        renderer.close()
        assert renderer.process.exitcode == 0


def test_the_renderer_writes_what_this_process_would(analysis, report_result, tmp_path):
    there, here = tmp_path / "there", tmp_path / "here"
    there.mkdir(), here.mkdir()
    job = render_job(analysis, report_result, there, None, pdf=True)
    assert job.tree is not None
    figures, seconds = rendered_elsewhere(job)
    clock = StageClock()
    assert figures == render_outputs(dataclasses.replace(job, folder=here), clock)
    assert "decision_tree" in figures and len(figures) > 10
    assert set(seconds) == set(clock.seconds) == {"figures", "html", "pdf"}
    assert (there / "report.html").read_text() == (here / "report.html").read_text()
    pages = [[page.extract_text() for page in PdfReader(folder / "report.pdf").pages] for folder in (there, here)]
    assert pages[0] == pages[1] and len(pages[0]) > 5
    assert pdf_images(there / "report.pdf") == pdf_images(here / "report.pdf")  # the figures, not their blanks
    for folder in (there, here):
        assert sorted(p.name for p in folder.iterdir()) == ["figures", "report.html", "report.pdf"]


def embedded_images(path) -> dict[int, tuple[str, bytes]]:
    """{object number: (filter, data as stored)} of the PDF's images, each read once (every page's
    resources may list them all, and pypdf's `page.images` would decode each for every page)."""
    found = {}
    for page in PdfReader(path).pages:
        for reference in page["/Resources"].get("/XObject", {}).values():
            if reference.idnum not in found and (image := reference.get_object())["/Subtype"] == "/Image":
                found[reference.idnum] = (str(image["/Filter"]), image.get_data())
    return found


def pdf_images(path) -> set[bytes]:
    return {data for _, data in embedded_images(path).values()}


@run_forked
def test_the_pdf_laid_out_while_the_figures_are_drawn_shows_them(analysis, report_result, tmp_path, monkeypatch):
    """Laid out around blanks, written once the figures replaced them; typeset again should
    WeasyPrint ever embed the blanks (as it would if it stopped reading images again from their files).
    (`test_the_renderer_writes_what_this_process_would` compares the images with those typeset after
    the figures.)"""
    import reportgen.render

    typeset, typeset_whole = [], reportgen.render.render_pdf
    monkeypatch.setattr(reportgen.render, "render_pdf",
                        lambda *args, **kwargs: typeset.append(1) or typeset_whole(*args, **kwargs))
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    drawn, clock = [], StageClock()
    figures = figures_and_pdf(job, clock, drawn.append)
    assert drawn == [figures] and set(clock.seconds) == {"figures", "pdf"} and not typeset
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "report.pdf"]
    assert len(pdf_images(tmp_path / "report.pdf")) == len(figures) and not blank_images(tmp_path / "report.pdf")

    own, custom = tmp_path / "own", tmp_path / "custom"  # a template that shows fewer figures
    (own / "partials").mkdir(parents=True), custom.mkdir()
    (own / "partials" / "models.html").write_text("", encoding="utf-8")
    figures_and_pdf(dataclasses.replace(job, folder=custom, template_dir=own), StageClock(), drawn.append)
    assert not typeset and 0 < len(pdf_images(custom / "report.pdf")) < len(figures)

    monkeypatch.setattr(reportgen.render, "holds_any", lambda pdf, pieces: True)
    figures_and_pdf(job, StageClock(), drawn.append)
    assert len(typeset) == 1 and len(pdf_images(tmp_path / "report.pdf")) == len(figures)
    assert not blank_images(tmp_path / "report.pdf")


def blank_images(path) -> list[int]:
    return [number for number, (_, data) in embedded_images(path).items()
            if Image.open(io.BytesIO(data)).convert("L").getextrema() == (255, 255)]


def test_the_pdf_shows_each_figure_as_a_jpeg_and_the_html_as_the_png(analysis, report_result, tmp_path):
    """WeasyPrint embeds JPEG data as it is and encodes PNG again (`figures.PRINT_JPEG`)."""
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    figures = render_outputs(job, StageClock())
    images = embedded_images(tmp_path / "report.pdf")
    assert len(images) == len(figures)
    assert {kind for kind, _ in images.values()} == {"/DCTDecode"}
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= len(figures) and "image/jpeg" not in html
    assert all((tmp_path / path).suffix == ".png" and (tmp_path / path).is_file() for path in figures.values())


def test_a_failure_in_the_renderer_is_raised_here_as_itself(report_result, tmp_path):
    broken = tmp_path / "broken"
    (broken / "partials").mkdir(parents=True)
    (broken / "partials" / "cover.html").write_text("{{ result.no_such_field }}", encoding="utf-8")
    job = RenderJob(result=report_result, folder=tmp_path, template_dir=broken, pdf=True, workers=1)
    with pytest.raises(UndefinedError, match="no_such_field"):
        rendered_elsewhere(job, html=False)  # the PDF's HTML fails there
    assert not (tmp_path / PRINT_FIGURES).exists()


def test_a_failure_that_cannot_travel_arrives_as_its_type_and_message():
    class Odd(Exception):
        def __init__(self):
            super().__init__("the lock cannot be pickled")
            self.lock = threading.Lock()

    sent = _sendable(Odd())
    assert type(sent) is RuntimeError and str(sent) == "Odd: the lock cannot be pickled"
    plain = ValueError("fine")
    assert _sendable(plain) is plain


def test_a_renderer_closed_before_any_job_ends_at_once():
    """Still importing, it would otherwise wait for a job that never comes."""
    renderer = Renderer()
    started = time.perf_counter()
    renderer.close()
    assert time.perf_counter() - started < 1.5 and not renderer.process.is_alive()


def test_a_renderer_that_failed_to_start_says_why_and_takes_no_job(report_result, tmp_path):
    renderer = Renderer(("reportgen_no_such_module",))
    try:
        with pytest.raises(ModuleNotFoundError, match="reportgen_no_such_module"):
            renderer.figures_drawn()
        renderer.process.join(10)
        job = RenderJob(result=report_result, folder=tmp_path, pdf=False, workers=1)
        assert renderer.submit(job, StageClock()) is False  # run_report then renders in its own process
    finally:
        renderer.close()


def test_a_run_that_fails_while_the_renderer_draws_stops_it_and_leaves_no_staging_folder(
        synthetic_config_path, tmp_path, monkeypatch):
    from reportgen import load_config, run_report

    def no_room(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("reportgen.scoring.save_model", no_room)
    renderer = Renderer(rendering_modules(pdf=False))
    try:
        with pytest.raises(OSError, match="No space left"):
            run_report(load_config(synthetic_config_path), tmp_path / "out", pdf=False, renderer=renderer)
        assert not renderer.process.is_alive()
    finally:
        renderer.close()
    assert not (tmp_path / "out").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".reportgen-")]


def test_the_renderer_ends_with_the_main_process():
    program = "import time\nfrom reportgen.runtime.renderer import Renderer\nrenderer = Renderer()\ntime.sleep(600)\n"
    assert children_left_when_killed(program, 1) == 0
