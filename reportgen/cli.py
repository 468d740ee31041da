"""The `reportgen` command: parses options, calls the engine, maps known errors to exit 2."""

from __future__ import annotations

import gc
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import click

from reportgen import __version__
from reportgen.config import load_config, preset_names, preset_path, resolve_config
from reportgen.errors import ReportInputError
from reportgen.runtime.renderer import Renderer, rendering_modules
from reportgen.runtime.workers import exit_without_collecting, imported_out_of_collection, start_workers, will_fork

DEBUG_VARIABLE = "REPORTGEN_DEBUG"


def _exit_with(message: str) -> None:
    """One line on stderr, exit code 2: the user can fix this."""
    click.echo(f"reportgen: error: {message}", err=True)
    sys.exit(2)


@contextmanager
def quiet_library_warnings():
    """Keep stderr to reportgen's own line: what the libraries warn about that matters reaches the
    report's warnings, and a failed run must say what is wrong in one line (REPORTGEN_DEBUG=1 shows
    them). PYTHONWARNINGS carries the choice to the worker processes."""
    if os.environ.get(DEBUG_VARIABLE):
        yield
        return
    before = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if before is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = before


class ReportgenGroup(click.Group):
    """Usage errors and input errors exit 2 with one line; unexpected failures exit 1 with one
    line (REPORTGEN_DEBUG=1 shows the traceback)."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        exit_without_collecting()
        try:
            with quiet_library_warnings():
                code = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("reportgen: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                click.echo(exc.format_message())
                sys.exit(0)
            where = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) else ""
            _exit_with(f"{exc.format_message()}{where}")
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except ReportInputError as exc:
            _exit_with(str(exc))
        except Exception as exc:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            click.echo(f"reportgen: unexpected failure: {type(exc).__name__}: {exc} "
                       f"(set {DEBUG_VARIABLE}=1 for the traceback)", err=True)
            sys.exit(1)


@click.group(cls=ReportgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """Turn a table of user behaviour into an executive report on who converts and why.

    \b
    Quick start:
      reportgen run                       # the bundled student-purchase data
      reportgen run data.csv --target churned --positive yes --out out/
      reportgen run --preset students-course
    """


@main.command()
@click.argument("data", required=False, type=click.Path(path_type=Path))
@click.option("--target", metavar="COLUMN",
              help="Outcome column (needed for a CSV or Parquet file without --config/--preset).")
@click.option("--positive", metavar="LABEL", help="Value of the outcome column that counts as converting (default 1).")
@click.option("--preset", metavar="NAME",
              help=f"A bundled dataset config: {', '.join(preset_names())} (default students).")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="A dataset config (YAML); see `reportgen presets` for examples.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for report.pdf, report.html, results.json and figures/.")
@click.option("--seed", type=int, help="Seed for the split and every model (default from the config: 365).")
@click.option("--template-dir", type=click.Path(path_type=Path),
              help="Folder whose templates (and report.css) take precedence over the defaults, file by file.")
@click.option("--value-per-conversion", type=click.FloatRange(min=0, min_open=True), metavar="AMOUNT",
              help="What one conversion is worth; with --cost-per-contact the targeting table shows profit.")
@click.option("--cost-per-contact", type=click.FloatRange(min=0), metavar="AMOUNT",
              help="What contacting one row costs; with --value-per-conversion.")
@click.option("--theme", "theme_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Branding (YAML): company_name, logo, primary_color, accent_color, font_family, title, "
                   "subtitle, footer. Example: assets/example-theme.yaml.")
@click.option("--exclude", multiple=True, metavar="COLUMN",
              help="Leave a column out of the features (repeat for several), e.g. an identifier.")
@click.option("--backend", type=click.Choice(["local", "loky", "dask"]),
              help="Where the model families are tuned: local, worker processes on this machine (the default; "
                   "forked from the main process on Linux), loky, joblib's loky workers on this machine, or dask, "
                   "a Dask cluster (needs pip install 'reportgen[dask]'). Default from the config.")
@click.option("--scheduler", metavar="ADDRESS",
              help="A running Dask scheduler to tune on, e.g. tcp://10.0.0.5:8786 (implies --backend dask); "
                   "without it, --backend dask starts a local cluster with a worker per core.")
@click.option("--compare-to", "compare_to", type=click.Path(path_type=Path), metavar="PATH",
              help="The results.json of an earlier run on the same outcome (or its --out folder): the report "
                   "then opens with what changed since, and results.json gains `comparison`.")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (HTML and JSON only).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress lines (they go to stderr, and only when it is a terminal).")
def run(data, target, positive, preset, config_file, out_dir, seed, template_dir, value_per_conversion,
        cost_per_contact, theme_file, exclude, backend, scheduler, compare_to, no_pdf, quiet) -> None:
    """Analyse DATA, a CSV or Parquet (.parquet) file (default: the bundled student-purchase table), and write
    the report.

    \b
    Examples:
      reportgen run
      reportgen run --preset students-course --out course/
      reportgen run customers.csv --target churned --positive yes
      reportgen run events.parquet --target converted
      reportgen run --value-per-conversion 120 --cost-per-contact 4
      reportgen run big.parquet --target converted --backend dask --scheduler tcp://10.0.0.5:8786
      reportgen run december.csv --preset students --compare-to november/results.json
    """
    if template_dir is not None and not template_dir.is_dir():
        _exit_with(f"--template-dir {template_dir} is not a folder; give the folder that holds your templates.")
    if (value_per_conversion is None) != (cost_per_contact is None):
        _exit_with("give both --value-per-conversion and --cost-per-contact, or neither")
    config = resolve_config(data, target=target, positive=positive, preset=preset, config=config_file, seed=seed,
                            value_per_conversion=value_per_conversion, cost_per_contact=cost_per_contact,
                            exclude=list(exclude), theme=theme_file, backend=backend, scheduler=scheduler)
    previous = None
    if compare_to is not None:
        from reportgen.compare import read_previous

        previous = read_previous(compare_to, config)
    check_writable(out_dir)
    if config.search.backend == "dask":
        from reportgen.runtime.backends import require_dask

        require_dask()
    forking = will_fork(config.search.n_jobs, fork=config.search.may_fork)
    if not forking:
        start_workers(config.search.n_jobs, "reportgen.engine")  # loky's workers import while this process does
    # Forked before the analysis's libraries are imported, the renderer imports its own meanwhile.
    renderer = Renderer(rendering_modules(pdf=not no_pdf)) if forking else None
    try:
        with imported_out_of_collection():
            from reportgen.engine import run_report

        show_progress = not quiet and sys.stderr.isatty()
        result = run_report(config, out_dir, template_dir=template_dir, pdf=not no_pdf,
                            progress=(lambda line: click.echo(line, err=True)) if show_progress else None,
                            previous=previous, renderer=renderer)
    finally:
        if renderer is not None:
            renderer.close()
        gc.unfreeze()  # frozen for the run (see imported_out_of_collection); a caller's process goes on
    best = result.best
    click.echo(f"{result.summary.headline}")
    if result.comparison is not None:
        click.echo(result.comparison.headline)
    click.echo(f"Recommended: {best.label} (test F1 {best.test.f1:.3f}, PR AUC {best.test.pr_auc:.3f}).")
    written = ", ".join(["report.pdf"] * (not no_pdf) + ["report.html", "results.json", "figures/"])
    click.echo(f"Wrote {written} to {out_dir} in {result.run.seconds:.0f} s.")


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=Path("scores.csv"),
              show_default=True, help="CSV to write: row, id columns, probability, rank, flagged, reason.")
def score(run_dir: Path, data: Path, out_file: Path) -> None:
    """Score the rows of DATA (CSV or Parquet) with the model saved in RUN_DIR (the --out folder of a run).

    \b
    Example:
      reportgen score output/ new-students.csv --out scores.csv
    """
    from reportgen.scoring import score_file

    found = score_file(run_dir, data, out_file)
    click.echo(f"Scored {found['scored']:,} of {found['rows']:,} rows with the {found['model'].lower()} "
               f"({found['flagged']:,} flagged, {found['problems']:,} with a problem: see the reason column); "
               f"wrote {out_file}.")


@main.group()
def templates() -> None:
    """Work with the report templates (Jinja2) and stylesheet."""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist in FOLDER.")
def export_templates(folder: Path, force: bool) -> None:
    """Copy the default templates and report.css to FOLDER for editing.

    Render with `reportgen run --template-dir FOLDER`: files there take precedence over the
    defaults one by one, so you may delete every file you do not change.
    """
    from reportgen.render import export_defaults

    written = export_defaults(folder, overwrite=force)
    click.echo(f"Wrote {len(written)} files to {folder}; edit them and pass --template-dir {folder}.")


def check_writable(out_dir: Path) -> None:
    """Fail before the analysis, not after it, when the outputs cannot be written."""
    import tempfile

    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        _exit_with(f"cannot write the report beside {out_dir} ({exc.strerror}); choose another --out folder.")


@main.command()
@click.option("--show", metavar="NAME", help="Print one preset's YAML, to copy as the start of your own config.")
def presets(show: str | None) -> None:
    """List the bundled dataset presets, one line each, and the folder of their files."""
    if show:
        click.echo(preset_path(show).read_text(encoding="utf-8"), nl=False)
        return
    names = preset_names()
    width = max(map(len, names)) + 2
    for name in names:
        config = load_config(preset_path(name))
        click.echo(f"{name:<{width}}{config.title} [{config.data.name}, outcome {config.target.column} = "
                   f"{config.target.positive}]")
    click.echo(f"Preset files are in {preset_path(names[0]).parent}; `reportgen presets --show NAME` prints one.")


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--target", required=True, metavar="COLUMN", help="The outcome column.")
@click.option("--positive", metavar="LABEL", help="The outcome value that counts as converting (needed for text "
              "labels such as yes/no).")
def init(data: Path, target: str, positive: str | None) -> None:
    """Write a config inferred from DATA to stdout, with a comment on each decision.

    \b
    Example:
      reportgen init customers.csv --target churned --positive yes > churn.yaml
      reportgen run --config churn.yaml        # the same report as the bare run, now editable
    """
    from reportgen.init import init_config

    click.echo(init_config(data, target, positive), nl=False)


@main.command()
@click.argument("config_file", type=click.Path(path_type=Path))
def validate(config_file: Path) -> None:
    """Check a dataset config without running anything."""
    from reportgen.load import is_parquet

    config = load_config(config_file)
    if not (Path(config.data).is_file() or is_parquet(config.data) and Path(config.data).is_dir()):
        _exit_with(f"{config_file}: data file {config.data} does not exist")
    click.echo(f"{config_file}: valid ({config.name}, outcome {config.target.column}, {len(config.models)} models)")


if __name__ == "__main__":
    main()
