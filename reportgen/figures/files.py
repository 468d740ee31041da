"""Figures as files: the PNGs of figures/, the JPEGs the PDF is typeset from, and the blanks that hold
their place while the PDF is laid out."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from reportgen.figures.style import STYLE


def figure_paths(folder: Path, names) -> dict[str, str]:
    """{name: 'figures/<name>.png'}, as `ReportResult.figures` holds them."""
    return {name: f"{folder.name}/{name}.png" for name in names}


def print_file(print_folder: Path | None, name: str) -> Path | None:
    """Where a figure's JPEG for the PDF goes, if it is wanted."""
    return print_folder / f"{name}.jpg" if print_folder is not None else None


def draw_and_save(draw, path: Path, print_path: Path | None = None) -> bool:
    """Draw one figure in the house style and save it; False when the result has nothing to draw."""
    with plt.rc_context(STYLE):
        fig = draw()
        if fig is None:
            return False
        save_figure(fig, path, print_path)
        plt.close(fig)
    return True


def reserve_print_files(built: dict[str, Figure], print_folder: Path) -> set[bytes]:
    """A blank JPEG of each figure's size in pixels where its print JPEG goes, so that the PDF can be
    laid out before the figures are drawn; returns the blanks (one per size), which the PDF should
    not hold once written.

    WeasyPrint reads a local image for its size when it lays a page out, and reads a JPEG again from
    its file when it writes the PDF, to embed it as it is (`render.laid_out_pdf`). By then
    `save_figure` has replaced each blank with its figure, in one step and at the same size."""
    print_folder.mkdir(parents=True, exist_ok=True)
    blanks: dict[tuple[int, int], bytes] = {}
    for name, fig in built.items():
        size = pixel_size(fig)
        if size not in blanks:
            encoded = BytesIO()
            Image.new("RGB", size, "white").save(encoded, format="JPEG", quality=10)
            blanks[size] = encoded.getvalue()
        print_file(print_folder, name).write_bytes(blanks[size])
    return set(blanks.values())


PNG_COMPRESSION = 3
"""zlib level of the PNG files: level 6 (Pillow's default) took half as long again to write them,
for files 3% smaller."""

PRINT_JPEG = {"quality": 95, "subsampling": 0}
"""How each figure is encoded for the PDF. WeasyPrint embeds JPEG data as it is, but decodes every
PNG and compresses it again, which took a fifth of typesetting the default report on one core. At
quality 95 without chroma subsampling (4:4:4) the difference from the PNG does not show at
print size; figures/ and report.html keep the lossless PNG."""

DPI = 150


def pixel_size(fig: Figure) -> tuple[int, int]:
    """(width, height) in pixels of the figure as `save_figure` draws it."""
    fig.set_dpi(DPI)
    return fig.canvas.get_width_height(physical=True)


def save_figure(fig: Figure, path: Path, print_path: Path | None = None) -> None:
    """The figure as an opaque RGB PNG, drawn once, and as a JPEG at print_path when given. A blank
    there (`reserve_print_files`) is replaced in one step, by a figure of its size.

    `savefig` draws a figure with a layout engine twice and writes RGBA, which WeasyPrint then
    splits into a colour image and an alpha mask, encoding each again. The figures have an
    opaque background, so the alpha channel carries nothing and the pixels are the same."""
    fig.set_dpi(DPI)
    fig.canvas.draw()
    pixels = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
    pixels.save(path, format="PNG", compress_level=PNG_COMPRESSION)
    if print_path is None:
        return
    if print_path.exists():
        with Image.open(print_path) as blank:
            if blank.size != pixels.size:
                raise RuntimeError(f"{path.stem} is {pixels.size} pixels, its place in the PDF {blank.size}")
    partial = print_path.with_name(f".{print_path.name}.part")
    pixels.save(partial, format="JPEG", **PRINT_JPEG)
    partial.replace(print_path)
