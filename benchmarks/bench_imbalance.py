"""Do random under-sampling and SMOTE earn their place in the default imbalance comparison?

Runs each seed case (the students, audiobooks and tiktok presets) with all five strategies and, for
every model, prints the best cross-validated score of the default strategies (no resampling, class
weights or random over-sampling) beside the best of the two left to request (random under-sampling,
SMOTE), with the latter's spread across folds. Run by hand: `python benchmarks/bench_imbalance.py`;
it prints figures and asserts nothing. The default in `reportgen/config.py` (RESAMPLERS_ON_REQUEST)
cites its result.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from reportgen.config import RESAMPLERS_ON_REQUEST, preset_path

PRESETS = ("students", "audiobooks", "tiktok")
ALL_STRATEGIES = ["none", "class_weight", "random_over", *RESAMPLERS_ON_REQUEST]


def imbalance_rows(preset: str, folder: Path) -> list[dict]:
    """The imbalance comparison of a preset run with every strategy."""
    spec = yaml.safe_load(preset_path(preset).read_text(encoding="utf-8"))
    spec["data"] = str((preset_path(preset).parent / spec["data"]).resolve())
    spec["imbalance"] = {**spec.get("imbalance", {}), "strategies": ALL_STRATEGIES}
    config = folder / f"{preset}.yaml"
    config.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = folder / preset
    subprocess.run([sys.executable, "-m", "reportgen", "run", "--config", str(config), "--out", str(out), "--no-pdf",
                    "--quiet"], check=True, capture_output=True)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["imbalance"]


def main() -> None:
    beaten = pairs = 0
    with tempfile.TemporaryDirectory() as folder:
        for preset in PRESETS:
            by_model: dict[str, dict[str, dict]] = {}
            for row in imbalance_rows(preset, Path(folder)):
                by_model.setdefault(row["model"], {})[row["strategy"]] = row
            for model, rows in by_model.items():
                default = max((r for s, r in rows.items() if s not in RESAMPLERS_ON_REQUEST), key=lambda r: r["mean"])
                requested = [r for s, r in rows.items() if s in RESAMPLERS_ON_REQUEST]
                if not requested:
                    continue
                best = max(requested, key=lambda r: r["mean"])
                gain = best["mean"] - default["mean"]
                pairs += 1
                beaten += gain > best["std"]
                print(f"{preset:<11} {model:<20} default {default['strategy']:<12} {default['mean']:.4f}   "
                      f"on request {best['strategy']:<12} {best['mean']:.4f} (spread {best['std']:.4f})   "
                      f"gain {gain:+.4f}")
    print(f"\nthe strategies on request beat the default ones by more than their spread in {beaten} of {pairs} "
          f"model-case pairs")


if __name__ == "__main__":
    main()
