"""reportgen: from a table of user behaviour to an executive report on who converts and why."""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "DatasetConfig": "reportgen.config",
    "load_config": "reportgen.config",
    "resolve_config": "reportgen.config",
    "analyse": "reportgen.engine",
    "run_report": "reportgen.engine",
    "ReportInputError": "reportgen.errors",
    "ReportResult": "reportgen.result",
    "load_result": "reportgen.result",
}
__all__ = ["DatasetConfig", "ReportInputError", "ReportResult", "analyse", "load_config", "load_result",
           "resolve_config", "run_report"]


def __getattr__(name: str):
    """Import the engine on first use, so that `reportgen --help` and the CLI's own checks stay
    quick and the worker processes can start while the main process imports (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
