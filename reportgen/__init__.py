"""reportgen: from a table of user behaviour to an executive report on who converts and why."""

__version__ = "0.1.0"

from reportgen.config import DatasetConfig, load_config, resolve_config  # noqa: E402
from reportgen.engine import analyse, run_report  # noqa: E402
from reportgen.errors import ReportInputError  # noqa: E402
from reportgen.result import ReportResult, load_result  # noqa: E402

__all__ = [
    "DatasetConfig",
    "ReportInputError",
    "ReportResult",
    "analyse",
    "load_config",
    "load_result",
    "resolve_config",
    "run_report",
]
