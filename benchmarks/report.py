"""Print the benchmark table and draw the slide's chart from saved results.

Usage::

    python -m benchmarks.report [RESULTS.json] [--results DIR]
                                [--chart SVG] [--no-chart]

Without RESULTS.json it reads the newest pytest-benchmark JSON under DIR
(default ``benchmarks/results``; newest by the run's own ``datetime``). It
prints one table per benchmark group: each variant's median and IQR (from
pytest-benchmark, microseconds), its median in the interleaved rounds, its
ratio to the group's baseline and its overhead in microseconds. Where the
run has interleaved ("paired") rounds for a variant, ratio and overhead
are the medians of the per-round ratios and differences against the
baseline of the same round, with the IQR of the differences; otherwise
(marked ``*``) they come from the two medians.

It also writes the chart (SVG, deterministic: fixed hash salt, text as
paths, no date), from the interleaved medians, which share one machine
state. The slides' figures come from the same rows, read at build time
by talk.tools.figures.

Exit status: 0, or 1 when no results file is found.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_groups import (FLAG_MISSING, FLAG_ON, FLAGS_REQUEST,
                                     FLAGS_SCALE, FLOOR, ORDER, TIMING)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CHART = HERE / "chart.svg"
US = 1e6  # seconds -> microseconds


@dataclass
class Row:
    """One variant of one group; times in seconds."""

    group: str
    name: str
    label: str
    median: float
    iqr: float
    baseline: bool = False
    checks: int = 0
    ratio: float | None = None
    overhead: float | None = None
    overhead_q1: float | None = None
    overhead_q3: float | None = None
    paired: bool = False
    interleaved: float | None = None

    @property
    def typical(self) -> float:
        """The median of the interleaved rounds if there were any, else
        pytest-benchmark's median."""
        return self.interleaved if self.interleaved is not None \
            else self.median

    @property
    def per_check(self) -> float | None:
        """Overhead per flag check, when the variant checks flags."""
        if self.overhead is None or not self.checks:
            return None
        return self.overhead / self.checks


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """(Q1, median, Q3) of *values* (inclusive method; one value: itself).

    Raises ValueError for an empty list.
    """
    if not values:
        raise ValueError("no values")
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def paired_stats(per_call: dict[str, list[float]], baseline: str
                 ) -> dict[str, dict[str, float]]:
    """Per variant: the median of its per-round times ("interleaved");
    for all but *baseline* also the median ratio to the baseline and the
    quartiles of the difference, round by round (seconds).

    Raises ValueError when a variant has a different number of rounds.
    """
    base = per_call[baseline]
    stats = {baseline: {"interleaved": statistics.median(base)}}
    for name, times in per_call.items():
        if name == baseline:
            continue
        if len(times) != len(base):
            raise ValueError(f"{name}: {len(times)} rounds, baseline "
                             f"{len(base)}")
        q1, median, q3 = quartiles([t - b for t, b in zip(times, base)])
        ratio = statistics.median(t / b for t, b in zip(times, base))
        stats[name] = {"interleaved": statistics.median(times),
                       "ratio": ratio, "overhead": median,
                       "overhead_q1": q1, "overhead_q3": q3}
    return stats


def per_call_seconds(run: dict) -> dict[str, list[float]]:
    """A paired run's per-round times: stored as strings of whole
    nanoseconds (``"66848 69579 ..."``), returned in seconds."""
    return {name: [int(ns) * 1e-9 for ns in times.split()]
            for name, times in run["per_call_ns"].items()}


def rows_by_group(data: dict) -> dict[str, list[Row]]:
    """The table: group -> rows, from a pytest-benchmark JSON document.

    A baseline that takes part in several interleaved runs of its group
    shows its median from the run with the most variants.
    """
    groups: dict[str, list[Row]] = {}
    paired: dict[tuple[str, str], dict[str, float]] = {}
    runs = [b["extra_info"]["paired"] for b in data["benchmarks"]
            if "paired" in b.get("extra_info", {})]
    for run in sorted(runs, key=lambda r: len(r["per_call_ns"])):
        if run.get("baseline"):
            for name, stats in paired_stats(per_call_seconds(run),
                                            run["baseline"]).items():
                paired[run["group"], name] = stats
    for bench in data["benchmarks"]:
        info = bench.get("extra_info", {})
        if "variant" not in info or "paired" in info:
            continue
        stats = bench["stats"]
        groups.setdefault(bench["group"], []).append(Row(
            group=bench["group"], name=info["variant"], label=info["label"],
            median=stats["median"], iqr=stats["iqr"],
            baseline=bool(info.get("baseline")),
            checks=int(info.get("checks", 0))))
    for group, rows in groups.items():
        base = next((r for r in rows if r.baseline), None)
        for row in rows:
            found = paired.get((group, row.name), {})
            row.interleaved = found.get("interleaved")
            if base is None:
                continue
            if row is base or row.baseline:  # of its own paired runs
                row.ratio, row.overhead = 1.0, 0.0
            elif "overhead" in found:
                for key in ("ratio", "overhead", "overhead_q1",
                            "overhead_q3"):
                    setattr(row, key, found[key])
                row.paired = True
            else:
                row.ratio = row.median / base.median
                row.overhead = row.median - base.median
    order = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(groups.items(),
                       key=lambda item: (order.get(item[0], len(order)),
                                         item[0])))


def _us(value: float | None, width: int, digits: int = 2) -> str:
    return (f"{value * US:{width}.{digits}f}" if value is not None
            else " " * (width - 1) + "-")


def format_table(groups: dict[str, list[Row]]) -> str:
    """The text table, one block per group."""
    lines = []
    for group, rows in groups.items():
        base = next((r for r in rows if r.baseline), None)
        lines.append(f"{group}" + (f"  (baseline: {base.label})"
                                   if base else ""))
        lines.append(f"  {'variant':<38} {'median':>8} {'IQR':>7} "
                     f"{'interl.':>8} {'x base':>7} {'overhead':>9}  "
                     f"{'[IQR]':<16} {'/check':>6}")
        for row in rows:
            ratio = f"{row.ratio:7.3f}" if row.ratio is not None else " " * 7
            spread = (f"[{row.overhead_q1 * US:.2f}, "
                      f"{row.overhead_q3 * US:.2f}]"
                      if row.overhead_q1 is not None else "")
            mark = " " if row.paired or row.baseline or base is None else "*"
            per_check = _us(row.per_check, 6) if row.checks else ""
            lines.append(
                f"  {row.label:<38} {_us(row.median, 8)} {_us(row.iqr, 7)} "
                f"{_us(row.interleaved, 8)} {ratio} "
                f"{_us(row.overhead, 8)}{mark}  {spread:<16} {per_check}"
                .rstrip())
        lines.append("")
    lines += [
        "µs per call. median, IQR: pytest-benchmark, one variant after the "
        "other.",
        "interl.: median in the interleaved rounds; x base, overhead [IQR]: "
        "medians of per-round",
        "ratios and differences to the baseline of the same round; "
        "* = not interleaved (from the medians).",
    ]
    return "\n".join(lines)


def newest(results: Path) -> Path:
    """The results file of the latest run under *results* (by the
    ``datetime`` pytest-benchmark stores). Raises FileNotFoundError."""
    found = []
    for path in results.rglob("*.json"):
        try:
            stamp = json.loads(path.read_text(encoding="utf-8"))["datetime"]
        except (ValueError, KeyError, TypeError):
            continue
        found.append((stamp, str(path), path))
    if not found:
        raise FileNotFoundError(f"no pytest-benchmark JSON under {results}")
    return max(found)[2]


def machine(data: dict) -> str:
    """'CPU (N cores), CPython X.Y.Z' from the JSON's machine_info."""
    info = data.get("machine_info", {})
    cpu = info.get("cpu", {})
    brand = cpu.get("brand_raw") or info.get("processor") or "unknown CPU"
    cores = f" ({cpu['count']} cores)" if cpu.get("count") else ""
    python = (f"{info.get('python_implementation', 'Python')} "
              f"{info.get('python_version', '?')}")
    return f"{brand}{cores}, {python}"


def _row(groups: dict[str, list[Row]], group: str, name: str) -> Row | None:
    return next((r for r in groups.get(group, []) if r.name == name), None)


def draw_chart(groups: dict[str, list[Row]], data: dict, path: Path) -> None:
    """Write the three-panel SVG chart to *path*: what each way to time
    a request adds (interleaved medians, IQR whiskers, the floor as a
    line); the talk's is_active against 0.6; and what a request costs
    with 10 to 10,000 flags configured. Deterministic: fixed hash salt,
    text as paths, no date."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "flask-extensions-talk",
                         "svg.fonttype": "path", "font.size": 16,
                         "axes.spines.top": False,
                         "axes.spines.right": False})
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(17, 5.6))
    _timing_panel(left, groups)
    _flags_panel(middle, groups)
    _scale_panel(right, groups)
    fig.text(0.01, 0.015, f"medians; {machine(data)}", ha="left",
             va="bottom", fontsize=15, color="#222222")
    fig.tight_layout(rect=(0, 0.07, 1, 1), w_pad=2.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg", bbox_inches="tight", pad_inches=0.05,
                metadata={"Date": None, "Title": "What does a hook cost?"})
    plt.close(fig)


def _timing_panel(ax, groups: dict[str, list[Row]]) -> None:
    rows = [r for r in groups.get(TIMING, []) if not r.baseline
            and r.overhead is not None]
    rows.sort(key=lambda r: r.overhead, reverse=True)  # cheapest on top
    light = [r for r in rows if r.name != "toolbar"] or rows
    limit = max((r.overhead_q3 or r.overhead for r in light),
                default=1e-6) * 1.5
    for y, row in enumerate(rows):
        colour = {"toolbar": "#b0b0b0", "decorator": "#1f77b4"}.get(
            row.name, "#8fb3d6")
        ax.barh(y, min(row.overhead, limit) * US, color=colour)
        if row.overhead >= limit:
            ax.text(limit * US * 0.98, y, f"{row.overhead * US:,.0f} µs →",
                    va="center", ha="right", fontsize=17)
            continue
        right_end = row.overhead
        if row.overhead_q1 is not None:
            ax.errorbar(row.overhead * US, y, xerr=[
                [(row.overhead - row.overhead_q1) * US],
                [(row.overhead_q3 - row.overhead) * US]],
                fmt="none", ecolor="#333333", capsize=3, lw=1)
            right_end = max(right_end, row.overhead_q3)
        ax.text((right_end + limit * 0.02) * US, y,
                f"{row.overhead * US:.1f}", va="center", fontsize=17)
    ax.set_yticks(range(len(rows)), [_short(r.label) for r in rows])
    ax.set_xlim(0, limit * US)
    floor = _row(groups, FLOOR, "floor")
    if floor is not None:
        ax.axvline(floor.median * US, color="#d62728", ls="--", lw=1.2)
        ax.set_ylim(-0.6, len(rows) - 0.05)
        ax.text(floor.median * US, len(rows) - 0.3,
                f" floor {floor.median * US:.1f}", color="#d62728",
                fontsize=15,
                va="center")
    bare = _row(groups, TIMING, "bare")
    ax.set_title("Timing a request" + (
        f" (bare: {bare.typical * US:.1f} µs)" if bare else ""), fontsize=17)
    ax.set_xlabel("µs added per request (median, IQR)")


#: (label, group, talk's variant, 0.6's variant, Row attribute)
FLAG_CASES = [
    ("first check", FLAG_ON, "talk_first", "06_on", "typical"),
    ("same flag again", FLAG_ON, "talk_repeat", "06_on", "typical"),
    ("missing flag", FLAG_MISSING, "talk_missing", "06_missing", "typical"),
    ("per request,\nbefore any check", FLAGS_REQUEST, "talk_installed",
     "06_installed", "overhead"),
]


def _flags_panel(ax, groups: dict[str, list[Row]]) -> None:
    height = 0.38
    top = 0.0
    for y, (_, group, ours, theirs, attr) in enumerate(FLAG_CASES):
        for offset, name, colour in ((-height / 2, ours, "#1f77b4"),
                                     (height / 2, theirs, "#ff7f0e")):
            row = _row(groups, group, name)
            value = getattr(row, attr, None) if row else None
            if value is None:
                continue
            top = max(top, value)
            ax.barh(y + offset, max(value, 0) * US, height, color=colour)
            ax.text(max(value, 0) * US, y + offset, f" {value * US:.1f}",
                    va="center", fontsize=17)
    ax.set_yticks(range(len(FLAG_CASES)), [c[0] for c in FLAG_CASES])
    ax.set_xlim(0, top * US * 1.6 or 1)
    ax.invert_yaxis()
    ax.set_title("is_active, µs per call", fontsize=17)
    ax.legend(handles=[
        matplotlib_patch("#1f77b4", "talk"),
        matplotlib_patch("#ff7f0e", "0.6")],
        loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2,
        handlelength=1.2, columnspacing=1.2,
        frameon=False, fontsize=17)


def _scale_panel(ax, groups: dict[str, list[Row]]) -> None:
    """Overhead per request against the bare app with as many flags: the
    live coding's naive snapshot (no check), the talk's extension (0 and 1
    check) and 0.6 (1 check), for each number of flags configured."""
    counts = sorted({int(r.name.split("_")[1]) for r in
                     groups.get(FLAGS_SCALE, []) if not r.baseline})
    series = [("naive", 0, "#b0b0b0", "naive snapshot, 0 checks"),
              ("talk", 0, "#9ec5e8", "talk, 0 checks"),
              ("talk", 1, "#1f77b4", "talk, 1 check"),
              ("06", 1, "#ff7f0e", "0.6, 1 check")]
    width = 0.8 / len(series)
    for i, (ext, checks, colour, _) in enumerate(series):
        for x, count in enumerate(counts):
            row = _row(groups, FLAGS_SCALE, f"{ext}_{count}_{checks}")
            if row is None or row.overhead is None:
                continue
            ax.bar(x - 0.4 + width * (i + 0.5), row.overhead * US, width,
                   color=colour)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xticks(range(len(counts)), [f"{c:,}" for c in counts],
                  fontsize=14)
    ax.set_xlabel("flags configured")
    ax.set_title("µs per request, by flags", fontsize=17)
    ax.legend(handles=[matplotlib_patch(colour, label)
                       for _, _, colour, label in series], fontsize=13,
              frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.22),
              ncol=2)


def matplotlib_patch(colour: str, label: str):
    from matplotlib.patches import Patch
    return Patch(color=colour, label=label)


def _short(label: str) -> str:
    return {"Flask-DebugToolbar (timer panel)": "DebugToolbar timer",
            "before_request + after_request": "before/after_request",
            "request_started + request_finished": "request signals"}.get(
                label, label)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", type=Path,
                        help="a results file (default: the newest)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--chart", type=Path, default=CHART)
    parser.add_argument("--no-chart", action="store_true",
                        help="only print the table")
    args = parser.parse_args(argv)
    try:
        path = args.json or newest(args.results)
    except FileNotFoundError as exc:
        print(f"report: {exc}; run 'make bench' first", file=sys.stderr)
        return 1
    data = json.loads(path.read_text(encoding="utf-8"))
    groups = rows_by_group(data)
    print(f"{path} ({data.get('datetime', '?')}; {machine(data)})\n")
    print(format_table(groups))
    if not args.no_chart:
        draw_chart(groups, data, args.chart)
        print(f"\nchart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
