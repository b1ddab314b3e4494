"""Benchmark: how long a briefing takes, on the sample and at country size.

Not a test: run it by hand (``python benchmarks/bench_brief.py``). It times

(a) ``python -m dashboard brief --district chengdong --out X.pptx`` (and .pdf)
    in a subprocess against a fresh SQLite database holding the bundled sample:
    what a user waits for, interpreter start and database read included;
(b) at country size, a dataset built in memory (10,000 communities spread over
    the 7 districts, 1,000,000 activities, monthly surveys): ``content.build``,
    the chart pictures, the deck and the PDF, called directly, for one district
    and for the whole city. Reading a million rows from the database is the
    import benchmark's business (``bench_import.py``), not this one's.

The goal is under 10 s for a district of the sample and under 30 s at
country size.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the dashboard package is beside this folder
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from bench_import import CATEGORIES, SEED, TITLES  # noqa: E402
from processes import keep_bytecode  # noqa: E402

from dashboard import config  # noqa: E402
from dashboard.briefing import bundle, content  # noqa: E402
from dashboard.briefing.deck import deck_bytes  # noqa: E402
from dashboard.briefing.pdf import pdf_bytes  # noqa: E402
from dashboard.briefing.period import default_period  # noqa: E402
from dashboard.dataset import Dataset, read_csv_dir, typed_frame  # noqa: E402

DISTRICT = "chengdong"


def country_dataset(communities: int = 10_000, activities: int = 1_000_000, seed: int = SEED) -> Dataset:
    """A deterministic dataset of country size: each community is a sample community moved a little, renamed.

    Districts keep the sample's proportions; activities fall on random days of
    the sample's two years; every community has a survey each month; targets
    are the sample's, scaled to the number of communities.
    """
    rng = np.random.default_rng(seed)
    sample = read_csv_dir(config.SAMPLE_DIR)
    base = sample.communities.iloc[rng.integers(0, len(sample.communities), communities)].reset_index(drop=True)
    ids = np.array([f"9{i:011d}" for i in range(communities)])
    number = pd.Series(np.arange(communities)).astype(str)
    c = base.assign(
        community_id=ids,
        name_zh=base["name_zh"] + number,
        name_en=base["name_en"] + " " + number,
        latitude=base["latitude"] + rng.normal(0, 0.01, communities),
        longitude=base["longitude"] + rng.normal(0, 0.01, communities),
        stage=np.array(config.codes("stages"))[rng.integers(0, len(config.codes("stages")), communities)],
        coord_system="WGS84",
    )
    first, last = sample.activities["date"].min(), sample.activities["date"].max()
    days = pd.date_range(first, last, freq="D")
    a = pd.DataFrame(
        {
            "activity_id": [f"B{i:07d}" for i in range(1, activities + 1)],
            "community_id": ids[rng.integers(0, communities, activities)],
            "date": days[rng.integers(0, len(days), activities)],
            "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), activities)],
            "title": np.array(TITLES)[rng.integers(0, len(TITLES), activities)],
            "participants": rng.integers(0, 300, activities),
            "volunteer_hours": rng.integers(0, 400, activities) / 2,
            "party_members": rng.integers(0, 40, activities),
        }
    )
    months = pd.date_range(first, sample.surveys["period"].max(), freq="MS")
    surveys = pd.DataFrame(
        {
            "community_id": np.repeat(ids, len(months)),
            "period": np.tile(months, communities),
            "satisfaction": rng.normal(82, 5, communities * len(months)).round(1),
            "respondents": rng.integers(20, 80, communities * len(months)),
        }
    )
    targets = sample.targets.assign(target=(sample.targets["target"] * communities / len(sample.communities)).round())
    return Dataset(
        typed_frame("communities", c),
        typed_frame("activities", a),
        typed_frame("surveys", surveys),
        typed_frame("targets", targets),
        version="bench",
    )


def timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: the cost of the work on a busy machine, where the
    wall clock also counts the time other programs had the processor."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_cpu(func: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result)."""
    cpu = cpu_seconds()
    seconds, result = timed(func)
    return seconds, cpu_seconds() - cpu, result


def bench_cli(folder: Path) -> None:
    """The sample through the command line, as a user runs it."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{folder / 'sample.db'}"}
    subprocess.run([sys.executable, "-m", "dashboard", "sample"], cwd=ROOT, env=env, check=True, capture_output=True)
    for suffix in (".pptx", ".pdf"):
        out = folder / f"sample{suffix}"
        seconds, cpu, _ = timed_cpu(
            lambda out=out: subprocess.run(  # noqa: S603
                [sys.executable, "-m", "dashboard", "brief", "--district", DISTRICT, "--out", str(out)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        )
        print(
            f"sample, {DISTRICT}, python -m dashboard brief {suffix}: {seconds:.2f} s (CPU {cpu:.2f} s) "
            f"({out.stat().st_size / 2**10:.0f} KB)",
            flush=True,
        )


def bench_direct(ds: Dataset, district: str | None, label: str) -> None:
    """content.build, the charts, the deck and the PDF, each timed."""
    build, build_cpu, briefing = timed_cpu(lambda: content.build(ds, default_period(ds, district), "zh"))
    charts, charts_cpu, images = timed_cpu(lambda: bundle.chart_images(briefing))
    deck, deck_cpu, pptx = timed_cpu(lambda: deck_bytes(briefing, images))
    document, document_cpu, pdf = timed_cpu(lambda: pdf_bytes(briefing, images))
    print(
        f"{label}: build {build:.2f} s, charts {charts:.2f} s, deck {deck:.2f} s, pdf {document:.2f} s | "
        f"pptx total {build + charts + deck:.2f} s (CPU {build_cpu + charts_cpu + deck_cpu:.2f} s, "
        f"{len(pptx) / 2**10:.0f} KB), pdf total {build + charts + document:.2f} s "
        f"(CPU {build_cpu + charts_cpu + document_cpu:.2f} s, {len(pdf) / 2**10:.0f} KB)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    keep_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--skip-sample", action="store_true", help="skip the command-line runs on the sample")
    args = parser.parse_args(argv)
    if not args.skip_sample:
        with tempfile.TemporaryDirectory() as scratch:
            bench_cli(Path(scratch))
    bench_direct(read_csv_dir(config.SAMPLE_DIR), DISTRICT, f"sample, {DISTRICT}, direct (warm)")
    seconds, ds = timed(lambda: country_dataset(args.communities, args.activities))
    print(
        f"generated {len(ds.communities):,} communities, {len(ds.activities):,} activities, "
        f"{len(ds.surveys):,} surveys in {seconds:.1f} s",
        flush=True,
    )
    bench_direct(ds, DISTRICT, f"country, {DISTRICT} ({(ds.communities['district'] == DISTRICT).sum():,} communities)")
    bench_direct(ds, None, f"country, whole city ({len(ds.communities):,} communities)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
