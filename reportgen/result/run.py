"""How the report was made rather than what it found: its branding and the run's timing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Theme:
    """Branding, from a theme file or the config's `theme:` block; templates and figures read it."""

    company_name: str
    logo: str | None
    primary_color: str
    accent_color: str
    font_family: str
    title: str
    subtitle: str
    footer: str


@dataclass
class RunInfo:
    """The only block allowed to differ between two runs of the same data and settings."""

    version: str
    started_at: str
    seconds: float
    stage_seconds: dict[str, float]
    model_seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each model's search, by model name."""
    backend: str = ""
    """Where the model searches ran: joblib's processes on this machine, or a Dask cluster."""
