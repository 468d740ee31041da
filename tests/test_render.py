"""reportgen/render.py: autoescaping, user template overrides, and the local-only URL fetcher."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reportgen.render import _restricted_fetcher, environment, holds_any, image_source, render_html, stylesheet

SCRIPT = "<script>alert('x')</script>"
DEFAULT_COVER_MARK = '<p class="cover-kicker">'


def test_environment_autoescapes_strings_and_files():
    env = environment()
    assert env.from_string("{{ v }}").render(v=SCRIPT) == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert env.autoescape("report.html") is True


def test_values_from_the_result_are_escaped_in_the_report(stored_synthetic_result):
    result = stored_synthetic_result
    feature = result.preprocessing.vif[0].feature  # shown in the VIF table
    dataset = dataclasses.replace(
        result.dataset, title=f"Title {SCRIPT}",
        feature_labels={**result.dataset.feature_labels, feature: f"Label {SCRIPT}"})
    drivers = [dataclasses.replace(d, label=f"Driver {SCRIPT}") for d in result.drivers]
    theme = dataclasses.replace(result.theme, title=f"Title {SCRIPT}")
    html = render_html(dataclasses.replace(result, dataset=dataset, drivers=drivers, theme=theme,
                                           summary=dataclasses.replace(result.summary, drivers=drivers)))
    assert "<script>" not in html
    assert "Title &lt;script&gt;" in html
    assert "Label &lt;script&gt;" in html
    assert "Driver &lt;script&gt;" in html


def test_default_report_has_every_part(stored_synthetic_result):
    html = render_html(stored_synthetic_result)
    assert DEFAULT_COVER_MARK in html
    for section in ["summary", "questions", "models", "logit", "tree", "appendix"]:
        assert f'id="{section}"' in html
    assert html.count('class="question"') == 7
    assert 'src="figures/vif.png"' in html


def test_a_full_run_shows_every_section_and_every_figure_it_drew(stored_students_result):
    html = render_html(stored_students_result)
    for section in ["summary", "targeting", "segments", "questions", "models", "method", "logit", "tree", "explore",
                    "appendix"]:
        assert f'id="{section}"' in html
    assert html.count('class="question"') == 7
    assert {name: path for name, path in stored_students_result.figures.items() if f'src="{path}"' not in html} == {}


@pytest.fixture
def template_dir(tmp_path) -> Path:
    folder = tmp_path / "my-templates"
    (folder / "partials").mkdir(parents=True)
    return folder


def test_user_partial_overrides_the_default_one_only(stored_synthetic_result, template_dir):
    (template_dir / "partials" / "cover.html").write_text(
        '<section class="cover">MY COVER for {{ result.dataset.unit }}</section>', encoding="utf-8")
    html = render_html(stored_synthetic_result, template_dir)
    assert "MY COVER for users" in html
    assert DEFAULT_COVER_MARK not in html
    assert 'id="summary"' in html
    assert 'id="appendix"' in html
    assert DEFAULT_COVER_MARK in render_html(stored_synthetic_result)


def test_user_report_can_extend_the_default_with_the_documented_prefix(stored_synthetic_result, template_dir):
    (template_dir / "report.html").write_text(
        '{% extends "default:report.html" %}{% block extra %}<p id="extra">EXTRA {{ result.dataset.unit }}</p>'
        '{% endblock %}', encoding="utf-8")
    html = render_html(stored_synthetic_result, template_dir)
    assert '<p id="extra">EXTRA users</p>' in html
    assert DEFAULT_COVER_MARK in html
    assert 'id="appendix"' in html


def test_user_stylesheet_replaces_the_default(stored_synthetic_result, template_dir):
    assert stylesheet(template_dir) == stylesheet(None)
    (template_dir / "report.css").write_text("body { color: rebeccapurple; }", encoding="utf-8")
    assert stylesheet(template_dir) == "body { color: rebeccapurple; }"
    assert "body { color: rebeccapurple; }" in render_html(stored_synthetic_result, template_dir)


def test_images_are_linked_for_the_pdf_only_inside_the_output_folder(allowed, tmp_path):
    outside = tmp_path / "logo.png"
    outside.write_bytes(b"LOGO")
    assert image_source("figures/a.png", allowed, embed=False) == "figures/a.png"
    assert image_source("figures/a.png", allowed, embed=True).startswith("data:image/png;base64,")
    for elsewhere in (str(outside), "../logo.png"):  # the fetcher could not read them: they are inlined
        assert image_source(elsewhere, allowed, embed=False).startswith("data:image/png;base64,")
    assert image_source("figures/missing.png", allowed, embed=False) == "figures/missing.png"
    assert image_source(None, allowed, embed=False) is None


# The URL fetcher WeasyPrint uses for the PDF


@pytest.fixture
def allowed(tmp_path) -> Path:
    folder = tmp_path / "allowed"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "a.png").write_bytes(b"PNGDATA")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return folder


@pytest.mark.parametrize("url", ["http://example.com/logo.png", "https://example.com/style.css",
                                 "ftp://example.com/x", "http://127.0.0.1:8000/"])
def test_fetcher_refuses_network_urls(allowed, url):
    with pytest.raises(ValueError, match="does not let a report fetch"):
        _restricted_fetcher([allowed]).fetch(url)


def test_fetcher_reads_files_inside_the_allowed_folders(allowed):
    response = _restricted_fetcher([allowed]).fetch((allowed / "figures" / "a.png").as_uri())
    assert response.read() == b"PNGDATA"


def test_fetcher_allows_data_urls(allowed):
    assert _restricted_fetcher([allowed]).fetch("data:text/plain,hello").read() == b"hello"


def test_fetcher_refuses_files_outside_the_allowed_folders(allowed, tmp_path):
    fetcher = _restricted_fetcher([allowed])
    for url in [(tmp_path / "secret.txt").as_uri(),
                f"file://{allowed}/../secret.txt",
                "file:///etc/hostname",
                "file://localhost/etc/hostname"]:
        with pytest.raises(ValueError, match="does not let a report read"):
            fetcher.fetch(url)


def test_fetcher_refuses_a_symlink_out_of_the_allowed_folder(allowed, tmp_path):
    (allowed / "link.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ValueError, match="does not let a report read"):
        _restricted_fetcher([allowed]).fetch((allowed / "link.txt").as_uri())


def test_fetcher_allows_every_listed_folder(allowed, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.css").write_text("p{}", encoding="utf-8")
    fetcher = _restricted_fetcher([allowed, other])
    assert fetcher.fetch((other / "b.css").as_uri()).read() == b"p{}"


def test_the_shortcut_sentences_follow_what_the_searches_did(stored_synthetic_result):
    """The sentences on sampled searches and one-fit scoring appear only when a model's search took them."""
    full = stored_synthetic_result.dataset.train_rows
    exact = dataclasses.replace(stored_synthetic_result, models=[dataclasses.replace(
        m, tuning_rows=full, fit_rows=full, scored_along="") for m in stored_synthetic_result.models])
    shortcut = dataclasses.replace(exact, models=[
        dataclasses.replace(m, tuning_rows=full // 2, scored_along="n_neighbors") if i == 0 else m
        for i, m in enumerate(exact.models)])
    assert (exact.searches_sampled, exact.scored_from_one_fit) == (False, False)
    assert (shortcut.searches_sampled, shortcut.scored_from_one_fit) == (True, True)
    plain, shortened = render_html(exact), render_html(shortcut)
    for sentence in ("Costly models were searched", "from a single fit"):
        assert sentence not in plain
        assert sentence in shortened


def test_holds_any_finds_bytes_as_they_are(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7 stream\n\xff\xd8 pixels \xff\xd9\nendstream")
    assert holds_any(pdf, {b"\xff\xd8 pixels \xff\xd9", b"\xff\xd8 blank \xff\xd9"})
    assert not holds_any(pdf, {b"\xff\xd8 blank \xff\xd9"}) and not holds_any(pdf, set())


def test_a_laid_out_pdf_embeds_the_jpeg_its_file_holds_when_written(tmp_path):
    """What the renderer relies on (`figures.reserve_print_files`): WeasyPrint lays a page out from
    a local JPEG and reads it again from its file when it writes the PDF."""
    from PIL import Image

    from reportgen.render import laid_out_pdf, write_laid_out

    Image.new("RGB", (300, 200), "white").save(tmp_path / "figure.jpg", format="JPEG")
    blank = (tmp_path / "figure.jpg").read_bytes()
    document = laid_out_pdf('<html lang="en"><body><img src="figure.jpg" alt="a figure"></body></html>',
                            base_dir=tmp_path)
    Image.new("RGB", (300, 200), (200, 30, 30)).save(tmp_path / "drawn.jpg", format="JPEG")
    (tmp_path / "drawn.jpg").replace(tmp_path / "figure.jpg")
    write_laid_out(document, tmp_path / "report.pdf")
    assert holds_any(tmp_path / "report.pdf", {(tmp_path / "figure.jpg").read_bytes()})
    assert not holds_any(tmp_path / "report.pdf", {blank})


def test_the_recommended_row_of_the_targeting_table_is_marked_and_kept_on_one_line(stored_students_result):
    row = next(r for r in stored_students_result.targeting if r.recommended)
    html = render_html(stored_students_result)
    marked = f'<tr class="recommended"><td>{row.top_fraction:.1%}&nbsp;★</td><td class="num">{row.contacted:,}</td>'
    assert html.count('<tr class="recommended">') == 1 and marked in html


def test_headers_raise_the_first_letter_and_keep_the_outcomes_own_case(stored_synthetic_result):
    """Jinja's `capitalize` lowers the rest: a header 'Rows with purchase = mm' for 'rows with Purchase = MM'."""
    dataset = dataclasses.replace(stored_synthetic_result.dataset, positive_noun="rows with Purchase = MM",
                                  unit="TikTok videos")
    html = render_html(dataclasses.replace(stored_synthetic_result, dataset=dataset))
    assert '<th class="num">Rows with Purchase = MM</th>' in html and '<th class="num">TikTok videos</th>' in html
    assert "purchase = mm" not in html and "Tiktok" not in html
