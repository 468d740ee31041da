"""Where the bundled templates, assets and data live, installed or in a source checkout.

A wheel carries the top-level `templates/`, `assets/` and `data/` folders inside the
package as `reportgen/_bundled/...`; a source checkout keeps them beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root(kind: str) -> Path:
    """The folder of one kind of bundled file: 'templates', 'assets' or 'data'."""
    for candidate in (_PACKAGE / "_bundled" / kind, _PACKAGE.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"reportgen is installed without its '{kind}' folder; reinstall it")


def bundled_path(kind: str, *parts: str) -> Path:
    return bundled_root(kind).joinpath(*parts)
