"""The benchmark report, the runs kept, and the slides' tables.

Usage::

    python -m benchmarks.report [RUN.json]         # the report
    python -m benchmarks.report --keep [RUN.json]  # keep a run

``make bench`` writes each run to ``build/bench-results/STAMP.json``
(untracked; pytest-benchmark's own tables go to ``build/bench.log``) and
prints this report of it. ``make bench-keep`` copies the newest of them into
``benchmarks/results/<machine>/NNNN_STAMP.json`` with the next free number,
to be committed; ``[figures] run = "NNNN"`` in ``talk/talk.toml`` pins the
run the slides show. Without RUN.json the report reads the newest run (by
the ``datetime`` pytest-benchmark stores) in either folder.

The report has one table per benchmark group. A baseline shows its time
per call (the median of its interleaved rounds). A variant shows the
microseconds it adds: the median (and IQR) of its per-round differences to
the baseline of the same round, or (``*``, no interleaved rounds) the
difference of two times shown; its ratio to the baseline is computed from
the figures printed, so they never disagree. Where a variant checks flags,
the cost per check; where it counted them, its SQL queries.

:func:`turning_point`, :func:`decision_table` and
:func:`table_cost` make the slides' reStructuredText from a :class:`Run`;
``talk.tools.figures`` writes them into the build.

Exit status: 0; 1 when no run is found or it cannot be read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_groups import (FLAG_TABLE, FLAGS_REQUEST,
                                     NS, ORDER, TIMING, TURNING, US)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: Runs kept (committed), one folder per machine.
RESULTS = HERE / "results"
#: Runs of ``make bench`` not kept yet (untracked).
NEW_RESULTS = ROOT / "build" / "bench-results"
#: Seconds: a difference smaller than this either way shows as "≈ 0".
NOISE = 0.5e-6


class RunError(ValueError):
    """A run cannot be read or lacks a figure; the message names the file."""


@dataclass
class Row:
    """One variant of one group; times in seconds. *extension*, *flags*,
    *checks*, *page_queries* (the page's own SQL queries) and *queries*
    (flag queries per call, when counted) are the variant's own metadata,
    stored by the benchmark."""

    group: str
    name: str
    label: str
    median: float
    iqr: float
    baseline: bool = False
    extension: str | None = None
    flags: int = 0
    checks: int = 0
    page_queries: int = 0
    queries: int | None = None
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
        if self.interleaved is not None:
            return self.interleaved
        return self.median

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
    for all but *baseline* also the quartiles of its difference to the
    baseline, round by round (seconds), and the baseline's name.

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
        stats[name] = {"interleaved": statistics.median(times),
                       "overhead": median, "overhead_q1": q1,
                       "overhead_q3": q3, "baseline": baseline}
    return stats


def per_call_seconds(run: dict) -> dict[str, list[float]]:
    """A paired run's per-round times: stored as strings of whole
    nanoseconds (``"66848 69579 ..."``), returned in seconds."""
    return {name: [int(ns) / NS for ns in times.split()]
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
            extension=info.get("extension"), flags=int(info.get("flags", 0)),
            checks=int(info.get("checks", 0)),
            page_queries=int(info.get("page_queries", 0)),
            queries=info.get("queries")))
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
                for key in ("overhead", "overhead_q1", "overhead_q3"):
                    setattr(row, key, found[key])
                row.paired = True
                own = next((r for r in rows if r.name == found["baseline"]),
                           base)  # the baseline of its rounds, as shown
                row.ratio = 1 + row.overhead / own.typical
            else:  # from the medians the table shows
                row.ratio = row.typical / base.typical
                row.overhead = row.typical - base.typical
    order = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(groups.items(),
                       key=lambda item: (order.get(item[0], len(order)),
                                         item[0])))


def _us(value: float | None, width: int, digits: int = 2) -> str:
    return (f"{value * US:{width}.{digits}f}" if value is not None
            else " " * (width - 1) + "-")


def format_table(groups: dict[str, list[Row]]) -> str:
    """The text table, one block per group (µs). Every figure agrees with
    the ones printed beside it: a variant timed in interleaved rounds
    shows the µs it adds (and x base = 1 + added / its baseline's µs/call),
    not a time of its own that could disagree with them."""
    lines = []
    for group, rows in groups.items():
        base = next((r for r in rows if r.baseline), None)
        lines.append(f"{group}" + (f"  (baseline: {base.label})"
                                   if base else ""))
        lines.append(f"  {'variant':<41} {'µs/call':>9} {'µs added':>9}  "
                     f"{'[IQR]':<18} {'x base':>7} {'/check':>7} "
                     f"{'queries':>7}")
        for row in rows:
            shown = not row.paired
            mark = "*" if shown and not row.baseline and base else " "
            ratio = f"{row.ratio:7.3f}" if row.ratio is not None else " " * 7
            spread = (f"[{row.overhead_q1 * US:.2f}, "
                      f"{row.overhead_q3 * US:.2f}]"
                      if row.overhead_q1 is not None else "")
            per_check = _us(row.per_check, 7) if row.checks else " " * 7
            queries = f"{row.queries:7d}" if row.queries is not None else ""
            time = _us(row.typical, 9) if shown else " " * 9
            lines.append(
                f"  {row.label:<41} {time} {_us(row.overhead, 8)}{mark}  "
                f"{spread:<18} {ratio} {per_check} {queries}".rstrip())
        lines.append("")
    lines += [
        "µs/call: median of the interleaved rounds (of pytest-benchmark's "
        "rounds, where none).",
        "µs added [IQR]: median (quartiles) of the per-round differences to "
        "the baseline of the same",
        "round; * the difference of the two µs/call shown. x base: 1 + µs "
        "added / the baseline's µs/call.",
        "queries: flag queries per call (SQLAlchemy events); a page's own "
        "query is not counted.",
    ]
    return "\n".join(lines)


# --- runs: read, found, kept --------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One benchmark run: its file, groups of rows, machine and date."""

    path: Path
    groups: dict[str, list[Row]]
    machine: str
    datetime: str

    @property
    def name(self) -> str:
        """``run 0005`` (the number the file was kept under), or ``run
        STAMP`` for a run not kept yet."""
        return f"run {self.path.stem.split('_')[0]}"

    def row(self, group: str, **meta: object) -> Row:
        """The one row of *group* whose fields equal *meta* (e.g.
        ``name="hooks"``, or ``extension="naive", flags=10, checks=1``),
        with its overhead. Raises RunError naming the file."""
        found = [r for r in self.groups.get(group, []) if all(
            getattr(r, key) == value for key, value in meta.items())]
        if len(found) != 1 or found[0].overhead is None:
            wanted = ", ".join(f"{k}={v!r}" for k, v in meta.items())
            raise RunError(f"{self.path}: {len(found)} rows with {wanted} "
                           f"in {group!r}: run 'make bench', keep and pin it")
        return found[0]

    def source(self) -> str:
        return f"Medians, {self.name}, {self.machine}"


def load_run(path: Path) -> Run:
    """The run in the pytest-benchmark JSON *path*. Raises RunError, one
    line naming the file, when it cannot be read or is not such a run."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Run(Path(path), rows_by_group(data), machine(data),
                   data["datetime"])
    except OSError as exc:
        raise RunError(f"{path}: cannot read it: {exc.strerror or exc}"
                       ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
        raise RunError(f"{path}: not a pytest-benchmark run ({reason}): "
                       "run 'make bench' again") from None


def runs(*folders: Path) -> list[tuple[str, Path]]:
    """``(datetime, path)`` of every readable run in *folders*, oldest
    first; files that are not runs are left out."""
    found = []
    for folder in folders:
        for path in Path(folder).rglob("*.json"):
            try:
                stamp = json.loads(path.read_text(encoding="utf-8"))[
                    "datetime"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            found.append((str(stamp), path))
    return sorted(found)


def newest(*folders: Path) -> Path:
    """The run with the latest ``datetime`` in *folders*. Raises
    FileNotFoundError when there is none."""
    found = runs(*folders)
    if not found:
        raise FileNotFoundError(
            f"no pytest-benchmark run under {', '.join(map(str, folders))}")
    return found[-1][1]


def pinned(number: str, results: Path = RESULTS) -> Path:
    """The kept run ``NNNN_*.json`` numbered *number* under *results*.
    Raises RunError unless there is exactly one."""
    found = sorted(Path(results).rglob(f"{number}_*.json"))
    if len(found) != 1:
        raise RunError(f"{results}: {len(found)} runs numbered {number!r}: "
                       "pin one of benchmarks/results/*/NNNN_*.json")
    return found[0]


def keep(path: Path, results: Path = RESULTS) -> Path:
    """Copy the run *path* into *results*/<machine folder> as
    ``NNNN_<name>.json``, NNNN one more than the highest number there,
    without pytest-benchmark's raw timings of every round (``stats.data``,
    about 12 MB a run; the report reads the medians and the paired rounds).
    Returns the new file. Raises RunError for a file that is not a run."""
    load_run(path)
    numbers = [int(p.name[:4]) for p in Path(results).rglob("*.json")
               if p.name[:4].isdigit()]
    folder = next((p.parent for p in Path(results).rglob("*.json")),
                  Path(results) / "Linux-CPython-3.11-64bit")
    target = folder / f"{max(numbers, default=0) + 1:04d}_{Path(path).name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for bench in data["benchmarks"]:
        bench["stats"].pop("data", None)
    target.write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")
    return target


def machine(data: dict) -> str:
    """'CPU (N cores), CPython X.Y.Z' from the JSON's machine_info."""
    info = data.get("machine_info", {})
    cpu = info.get("cpu", {})
    brand = cpu.get("brand_raw") or info.get("processor") or "unknown CPU"
    cores = f" ({cpu['count']} cores)" if cpu.get("count") else ""
    python = (f"{info.get('python_implementation', 'Python')} "
              f"{info.get('python_version', '?')}")
    return f"{brand}{cores}, {python}"


# --- the slides' tables (reStructuredText) ------------------------------------

def micro(seconds: float) -> str:
    """``+3.0``, ``+265`` (100 µs and more: whole µs), ``+1,234`` or
    ``≈ 0`` (below NOISE), in microseconds."""
    if abs(seconds) < NOISE:
        return "≈ 0"
    digits = 0 if abs(seconds) >= 100 / US else 1
    return f"{seconds * US:+,.{digits}f}"


def _list_table(title: str, rows: list[list[str]], widths: str = "",
                css: str = "figures") -> str:
    lines = [f".. list-table:: {title}", "   :header-rows: 1",
             f"   :class: {css}"]
    if widths:
        lines.append(f"   :widths: {widths}")
    lines.append("")
    for row in rows:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def _queries(count: int | None) -> str:
    return f"{count} quer{'y' if count == 1 else 'ies'}"


def multiple(value: float) -> str:
    """``8.3×`` below 10, ``12×`` from 10 on."""
    return f"{value:.{0 if value >= 10 else 1}f}×"


#: The turning point's rows: label, extension, checks (the page with one
#: query of its own; no check with answers kept in g is the baseline).
TURNING_ROWS = (("snapshot, no check", "naive", 0),
                ("snapshot, one check", "naive", 1),
                ("kept in ``g``, one check", "talk", 1),
                ("kept in ``g``, no check", "talk", 0))


def turning_point(run: Run) -> str:
    """The naive snapshot with the table handler in the chain against
    answers kept in g, on a page that runs one query of its own: flag
    queries and µs added per request, by flags configured (the TURNING
    group); the ratios at the fewest flags, from the medians shown; and,
    below, one check on a page that sends no query of its own."""
    counts = sorted({r.flags for r in run.groups.get(TURNING, [])
                     if r.page_queries == 1})
    if not counts:
        raise RunError(f"{run.path}: no {TURNING!r} rows of a page with a "
                       "query of its own: run 'make bench', keep and pin it")
    rows = [["flags configured"] + [f"{c:,}" for c in counts]]
    for label, extension, checks in TURNING_ROWS:
        cells = []
        for count in counts:
            row = run.row(TURNING, extension=extension, flags=count,
                          checks=checks, page_queries=1)
            cells.append(_queries(row.queries) + (
                "" if row.baseline else f", {micro(row.overhead)} µs"))
        rows.append([label] + cells)
    first = counts[0]
    naive = run.row(TURNING, extension="naive", flags=first, checks=1,
                    page_queries=1)
    lazy = run.row(TURNING, extension="talk", flags=first, checks=1,
                   page_queries=1)
    bare = run.row(TURNING, extension="talk", flags=first, checks=0,
                   page_queries=1)
    alone = run.row(TURNING, extension="talk", flags=first, checks=1,
                    page_queries=0)
    alone_naive = run.row(TURNING, extension="naive", flags=first, checks=1,
                          page_queries=0)
    return (_list_table("Flags in a table: a snapshot at "
                        "``request_started``, or kept in ``g``", rows,
                        css="figures turning-point")
            + f"\n.. class:: figure-line\n\nAt {first} flags, one check: "
            f"the snapshot {times(naive, lazy)} the time, "
            f"{multiple(naive.queries / max(lazy.queries, 1))} the queries"
            f"\n\n.. class:: source\n\nµs added to a page that runs one "
            f"query of its own ({bare.typical * US:,.0f} µs at {first} flags; "
            f"its query is not in the counts), "
            f"SQLite in memory. With none, one check also opens the session: "
            f"{micro(alone.overhead)} µs, the snapshot "
            f"{times(alone_naive, alone)}. {run.source()}\n")


def times(row: Row, other: Row) -> str:
    """How many times *other*'s µs added *row* adds (``8.3×``), from the
    figures :func:`micro` shows, so that they never disagree."""
    return multiple(shown_micro(row.overhead) / shown_micro(other.overhead))


def shown_micro(seconds: float) -> float:
    """*seconds* rounded as :func:`micro` shows them, in µs."""
    return round(seconds * US, 0 if abs(seconds) >= 100 / US else 1)


#: The decision table: job, hook, and the (group, variant) each µs figure
#: comes from: one request with the hook, minus the same request without.
DECISIONS = [
    ("change one view", "a decorator", [(TIMING, "decorator")]),
    ("set up, respond", "``before_request``, ``after_request``",
     [(TIMING, "hooks")]),
    ("clean up, always", "``teardown_request``", [(TIMING, "teardown")]),
    ("part of an app", "a blueprint's hooks", [(TIMING, "blueprint")]),
    ("listen to an app", "signals", [(TIMING, "signals")]),
    ("per-request state", "``g``, lazily: one flag check",
     [(FLAGS_REQUEST, "talk_one")]),
    ("development only", "toolbar: timer panel / default panels",
     [(TIMING, "toolbar"), (TIMING, "toolbar_default")]),
]
#: Where the hooks the table recommends are shown, said under it.
DEMOS = ("decorators, hooks, sqlalchemy_hooks (blueprint), "
         "signals, debugtoolbar")


def added(row: Row) -> str:
    """:func:`micro` of *row*'s overhead, or ``≈ 0`` when the middle half
    of its per-round differences (q1 to q3) reaches zero: within noise."""
    if row.overhead_q1 is not None and row.overhead_q1 <= 0:
        return "≈ 0"
    return micro(row.overhead)


def decision_table(run: Run) -> str:
    """Which hook for which job and the µs it adds to a request, the bare
    request's time in the title, the run, the flag check's own bare
    request and the demos that show the hooks below."""
    bare = next((r for r in run.groups.get(TIMING, []) if r.baseline), None)
    flag_bare = next((r for r in run.groups.get(FLAGS_REQUEST, [])
                      if r.baseline), None)
    if bare is None or flag_bare is None:
        raise RunError(f"{run.path}: no bare request in {TIMING!r} or "
                       f"{FLAGS_REQUEST!r}: run 'make bench', keep and pin it")
    rows = [["job", "hook", "µs added"]]
    for job, hook, sources in DECISIONS:
        rows.append([job, hook, " / ".join(
            added(run.row(group, name=name)) for group, name in sources)])
    title = (f"µs added to a {bare.typical * US:.0f} µs request (a flag "
             f"check: to a {flag_bare.typical * US:.0f} µs one)")
    return (_list_table(title, rows, widths="30 48 22",
                        css="figures decisions")
            + f"\n.. class:: source\n\n{run.source()}; ≈ 0: noise. "
            f"Demos: {DEMOS}\n")


def table_cost(run: Run) -> str:
    """One flag checked from a table against one from the config."""
    table = micro(run.row(FLAG_TABLE, name="table_flag").overhead)
    config = micro(run.row(FLAG_TABLE, name="config_flag").overhead)
    return (f".. class:: figure-line\n\nOne check per request: a table flag "
            f"{table} µs (the request's first query), a config flag "
            f"{config} µs\n\n"
            f".. class:: source\n\n{run.source()}, SQLite in memory\n")


#: The generated files the slides include, and what makes each.
SLIDE_TABLES = {"turning-point.txt": turning_point,
                "decision-table.txt": decision_table,
                "table-cost.txt": table_cost}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", type=Path,
                        help="a run (default: the newest)")
    parser.add_argument("--keep", action="store_true",
                        help=f"copy the run into {RESULTS} with the next "
                        "number")
    args = parser.parse_args(argv)
    try:
        path = args.json or newest(*((NEW_RESULTS,) if args.keep
                                     else (NEW_RESULTS, RESULTS)))
        run = load_run(path)
        if args.keep:
            kept = keep(path, RESULTS)
            print(f"kept {path} as {kept}: commit it, and pin it in "
                  f"talk/talk.toml: [figures] run = \"{kept.name[:4]}\"")
            return 0
    except (FileNotFoundError, RunError) as exc:
        print(f"report: {exc}; run 'make bench' first"
              if isinstance(exc, FileNotFoundError) else f"report: {exc}",
              file=sys.stderr)
        return 1
    print(f"{path} ({run.datetime}; {run.machine})\n")
    print(format_table(run.groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
