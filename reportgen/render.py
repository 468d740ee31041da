"""Stage 5, render: Jinja2 templates to HTML, WeasyPrint HTML to PDF.

Templates are found in the user's folder first, then in the package defaults; an override
can extend a default with `{% extends "default:report.html" %}`. Nothing here computes a
statistic: templates read the result object and format its values.
"""

from __future__ import annotations

import base64
import mimetypes
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape

from reportgen.errors import ReportInputError
from reportgen.narrative.words import capitalised, metric_name
from reportgen.resources import bundled_root
from reportgen.result import ReportResult

STYLESHEET = "report.css"


def template_loader(template_dir: str | Path | None) -> ChoiceLoader:
    defaults = FileSystemLoader(bundled_root("templates"))
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    return ChoiceLoader([*loaders, PrefixLoader({"default": defaults}, delimiter=":"), defaults])


def fmt_number(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def fmt_percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}%}"


def fmt_points(value: float | None, digits: int = 2) -> str:
    """A difference of shares in percentage points: 0.0301 reads '3.01 pts'."""
    return "–" if value is None else f"{value * 100:.{digits}f} pts"


def fmt_pvalue(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def fmt_coefficient(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def environment(template_dir: str | Path | None = None) -> Environment:
    env = Environment(
        loader=template_loader(template_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_number, pct=fmt_percent, points=fmt_points, pvalue=fmt_pvalue, coef=fmt_coefficient,
                       metric=metric_name, capitalised=capitalised)
    return env


def stylesheet(template_dir: str | Path | None) -> str:
    """The CSS, taken from the user's folder when it has one, else the bundled assets."""
    if template_dir and (Path(template_dir) / STYLESHEET).is_file():
        return (Path(template_dir) / STYLESHEET).read_text(encoding="utf-8")
    return (bundled_root("assets") / STYLESHEET).read_text(encoding="utf-8")


def export_defaults(folder: Path, overwrite: bool = False) -> list[Path]:
    """Copy the default templates and the stylesheet into folder, keeping the partials/ layout."""
    sources = [(p, p.relative_to(bundled_root("templates"))) for p in sorted(bundled_root("templates").rglob("*.html"))]
    sources.append((bundled_root("assets") / STYLESHEET, Path(STYLESHEET)))
    existing = [str(name) for _, name in sources if (folder / name).exists()]
    if existing and not overwrite:
        raise ReportInputError(f"{folder} already has {', '.join(existing[:3])}"
                               f"{' ...' if len(existing) > 3 else ''}; pass --force to overwrite.")
    written = []
    for source, name in sources:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def image_source(path: str | None, base: Path, embed: bool) -> str | None:
    """An image's `src`: its data URI, or its path as given when it is not embedded and lies in base."""
    if not path or not (base / path).is_file():
        return path
    if not embed and not Path(path).is_absolute() and (base / path).resolve().is_relative_to(base.resolve()):
        return path
    return data_uri(base / path)


def data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def render_html(result: ReportResult, template_dir: str | Path | None = None, base_dir: str | Path = ".",
                embed: bool = True) -> str:
    """One self-contained HTML file: the stylesheet and every image (figures, logo) are inlined.
    With `embed` off, images inside base_dir are linked by their relative paths instead: for
    WeasyPrint, which reads them from base_dir, and would otherwise decode them from the text."""
    base = Path(base_dir)
    env = environment(template_dir)
    env.filters["inline"] = lambda path: image_source(path, base, embed)
    template = env.get_template("report.html")
    return template.render(result=result, css=stylesheet(template_dir))


def _restricted_fetcher(allowed: list[Path]):
    """A WeasyPrint URL fetcher that reads only files under the allowed folders and data: URLs."""
    from weasyprint.urls import URLFetcher

    roots = [p.resolve() for p in allowed]

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"reportgen does not let a report read {path}")
            elif parsed.scheme != "data":
                raise ValueError(f"reportgen does not let a report fetch {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
"""WeasyPrint's options for report.pdf: a tagged PDF/UA-1 document."""


def laid_out_pdf(html: str, *, base_dir: Path, template_dir: str | Path | None = None):
    """report.pdf's pages laid out (WeasyPrint's `Document`), for `write_laid_out`, with the bundled
    fonts; nothing is fetched from the network and no file is read outside the output, template and
    asset folders.

    WeasyPrint reads each local JPEG twice: now, for its size, and again from its file when the
    document is written, to embed it (`figures.reserve_print_files` relies on this)."""
    from weasyprint import CSS, HTML

    allowed = [base_dir, bundled_root("assets"), bundled_root("templates")]
    if template_dir:
        allowed.append(Path(template_dir))
    fetcher = _restricted_fetcher(allowed)
    fonts = bundled_root("assets") / "fonts" / "fonts.css"
    return HTML(string=html, base_url=str(base_dir) + "/", url_fetcher=fetcher).render(
        stylesheets=[CSS(filename=str(fonts), url_fetcher=fetcher)], **PDF_OPTIONS)


def write_laid_out(document, target: Path) -> None:
    document.write_pdf(target, **PDF_OPTIONS)


def render_pdf(html: str, target: Path, *, base_dir: Path, template_dir: str | Path | None = None) -> None:
    """report.pdf from its HTML, laid out and written in one go."""
    write_laid_out(laid_out_pdf(html, base_dir=base_dir, template_dir=template_dir), target)


def holds_any(pdf: Path, pieces: set[bytes]) -> bool:
    """Whether the PDF holds any of these bytes as they are, as it holds a JPEG image."""
    data = pdf.read_bytes()
    return any(piece in data for piece in pieces)
