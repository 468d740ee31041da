"""Branding, template overrides, the self-contained HTML and the accessible PDF, on a real (small) run."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from reportgen import load_config, run_report
from reportgen.config import load_theme
from reportgen.errors import ReportInputError
from reportgen.resources import bundled_path
from reportgen.result import ReportResult

EXAMPLE_THEME = bundled_path("assets", "example-theme.yaml")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "templates.md"


@pytest.fixture(scope="module")
def branded(synthetic_config_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("branded") / "out"
    config = load_config(synthetic_config_path).model_copy(update={"theme": load_theme(EXAMPLE_THEME)})
    result = run_report(config, out)
    return out, result


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_theme_reaches_cover_footer_and_css(branded):
    out, result = branded
    theme = yaml.safe_load(EXAMPLE_THEME.read_text())
    text = pdf_text(out / "report.pdf")
    assert theme["company_name"] in text and theme["title"] in text
    reader = PdfReader(out / "report.pdf")
    footer_pages = sum(theme["footer"] in re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages[1:])
    assert footer_pages == len(reader.pages) - 1
    assert len(reader.pages[0].images) >= 1  # the logo
    html = (out / "report.html").read_text()
    assert f"--primary: {theme['primary_color']}" in html and f"--accent: {theme['accent_color']}" in html
    assert 'alt="Northwind Learning logo"' in html and "data:image/svg+xml;base64," in html


def test_theme_colours_reach_the_figures(branded):
    out, _ = branded
    primary = tuple(int(yaml.safe_load(EXAMPLE_THEME.read_text())["primary_color"][i:i + 2], 16) for i in (1, 3, 5))
    pixels = np.asarray(Image.open(out / "figures" / "outcome_balance.png").convert("RGB")).reshape(-1, 3)
    assert (np.abs(pixels.astype(int) - primary).sum(axis=1) < 6).sum() > 500
    default_blue = (0x1F, 0x4E, 0x79)
    assert (np.abs(pixels.astype(int) - default_blue).sum(axis=1) < 6).sum() == 0


def test_pdf_is_tagged_titled_with_language_and_bundled_fonts(branded):
    out, result = branded
    reader = PdfReader(out / "report.pdf")
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root
    assert str(root.get("/Lang")).startswith("en")
    assert reader.metadata.title == result.theme.title
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in f for f in fonts), fonts


def test_html_is_one_self_contained_file_with_alt_text(branded):
    out, result = branded
    html = (out / "report.html").read_text()
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) >= len(result.figures)
    for tag in images:
        assert re.search(r'src="data:image/(png|svg\+xml);base64,', tag), tag[:80]
        assert re.search(r'alt="[^"]{10,}"', tag), tag[:80]
    assert "<link" not in html and "url(" not in re.sub(r"data:[^\")]+", "", html.split("</style>")[-1])
    copy = out.parent / "elsewhere.html"
    shutil.copy(out / "report.html", copy)  # works without the figures folder beside it
    assert copy.stat().st_size == (out / "report.html").stat().st_size


def test_one_partial_overrides_and_the_rest_stay_default(tmp_path, stored_synthetic_result):
    from reportgen.render import render_html

    folder = tmp_path / "mine"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "cover.html").write_text('<section class="cover"><h1>OUR OWN COVER</h1></section>')
    html = render_html(stored_synthetic_result, folder)
    assert "OUR OWN COVER" in html and "Executive summary" in html and "Seven questions, answered" in html


def test_templates_export_then_render_with_them(tmp_path, stored_synthetic_result):
    from reportgen.render import export_defaults, render_html

    written = export_defaults(tmp_path / "export")
    assert (tmp_path / "export" / "report.html") in written and (tmp_path / "export" / "report.css") in written
    assert (tmp_path / "export" / "partials" / "cover.html").is_file()
    (tmp_path / "export" / "report.css").write_text("h2 { color: #123456; }")
    assert "#123456" in render_html(stored_synthetic_result, tmp_path / "export")
    with pytest.raises(ReportInputError, match="--force"):
        export_defaults(tmp_path / "export")


def test_templates_export_command(tmp_path):
    completed = subprocess.run([sys.executable, "-m", "reportgen", "templates", "export", str(tmp_path / "t")],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0 and (tmp_path / "t" / "partials" / "summary.html").is_file()


def test_bad_theme_values_are_one_clear_error(tmp_path):
    (tmp_path / "theme.yaml").write_text("primary_color: blue\n")
    with pytest.raises(ReportInputError, match="primary_color"):
        load_theme(tmp_path / "theme.yaml")
    (tmp_path / "theme.yaml").write_text("font_family: 'x; } body { display: none'\n")
    with pytest.raises(ReportInputError, match="font_family"):
        load_theme(tmp_path / "theme.yaml")
    (tmp_path / "theme.yaml").write_text("logo: missing.png\n")
    with pytest.raises(ReportInputError, match="logo file not found"):
        load_theme(tmp_path / "theme.yaml")


def test_markup_in_theme_text_is_escaped(tmp_path, stored_synthetic_result):
    from reportgen.render import render_html

    theme = dataclasses.replace(stored_synthetic_result.theme, company_name="<script>alert(1)</script>",
                                footer="<b>x</b>")
    html = render_html(dataclasses.replace(stored_synthetic_result, theme=theme))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_documented_template_context_matches_the_result_type():
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert documented == {f.name for f in dataclasses.fields(ReportResult)}


def test_theme_block_in_a_dataset_config_and_the_cli_option(tmp_path):
    from conftest import synthetic_frame, synthetic_spec, write_dataset

    shutil.copy(bundled_path("assets", "example-logo.svg"), tmp_path / "logo.svg")
    spec = {**synthetic_spec(), "theme": {"company_name": "Acme", "logo": "logo.svg", "footer": "Internal"}}
    config = load_config(write_dataset(tmp_path, synthetic_frame(), spec))
    assert config.theme.logo == (tmp_path / "logo.svg").resolve()
    completed = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "--config", str(tmp_path / "config.yaml"), "--theme",
         str(EXAMPLE_THEME), "--out", str(tmp_path / "out"), "--no-pdf"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Northwind Learning" in html and "Acme" not in html  # --theme wins over the config's block


def test_a_configs_theme_with_a_missing_logo_is_one_clear_error(tmp_path):
    from conftest import synthetic_frame, synthetic_spec, write_dataset

    spec = {**synthetic_spec(), "theme": {"logo": "nowhere.png"}}
    with pytest.raises(ReportInputError, match="logo file not found"):
        load_config(write_dataset(tmp_path, synthetic_frame(), spec))
