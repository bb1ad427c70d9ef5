"""benchmarks/report.py: the table's ratios and overheads, the newest-run
choice, and a deterministic chart, on a small hand-made results file."""

from __future__ import annotations

import json

import pytest

from benchmarks import report as bench_report
from talk.tools._common import ROOT

BENCH = ROOT / "benchmarks"
US = 1e-6


@pytest.fixture
def report():
    """benchmarks/report.py, the module."""
    return bench_report


def bench(group, name, median, iqr=1 * US, baseline=False, checks=0,
          label=None):
    return {"group": group, "name": f"test_x[{name}]",
            "extra_info": {"variant": name, "label": label or name,
                           "baseline": baseline, "checks": checks},
            "stats": {"median": median, "iqr": iqr}}


def fake_run(report, stamp="2026-01-01T00:00:00+00:00"):
    g = report
    return {
        "datetime": stamp,
        "machine_info": {"python_implementation": "CPython",
                         "python_version": "3.11.7",
                         "cpu": {"brand_raw": "AMD EPYC", "count": 2}},
        "benchmarks": [
            bench(g.TIMING, "bare", 50 * US, baseline=True,
                  label="bare view"),
            bench(g.TIMING, "decorator", 52 * US,
                  label="@add_timing_information"),
            bench(g.TIMING, "toolbar", 150 * US,
                  label="Flask-DebugToolbar (timer panel)"),
            bench(g.FLOOR, "floor", 1.5 * US, label="floor"),
            bench(g.FLAGS_REQUEST, "bare", 60 * US, baseline=True),
            bench(g.FLAGS_REQUEST, "talk_hundred", 180 * US, checks=100),
            bench(g.FLAG_ON, "06_on", 3 * US, baseline=True),
            bench(g.FLAG_ON, "talk_first", 1.5 * US),
            bench(g.FLAG_ON, "talk_repeat", 0.5 * US),
            {"group": f"paired rounds: {g.TIMING}", "name": "test_paired",
             "stats": {"median": 1.0, "iqr": 0.1},
             "extra_info": {"paired": {
                 "group": g.TIMING, "baseline": "bare",
                 "per_call_ns": {"bare": "50000 50000 60000 50000",
                                 "decorator": "51000 53000 62000 52000"}}}},
        ],
    }


def row(groups, group, name):
    return next(r for r in groups[group] if r.name == name)


def test_paired_rounds_give_median_difference_ratio_and_iqr(report):
    groups = report.rows_by_group(fake_run(report))
    decorator = row(groups, report.TIMING, "decorator")
    # per-round differences 1, 3, 2, 2 us; ratios 1.02, 1.06, 1.0333, 1.04
    assert decorator.paired
    assert decorator.overhead == pytest.approx(2 * US)
    assert decorator.overhead_q1 == pytest.approx(1.75 * US)
    assert decorator.overhead_q3 == pytest.approx(2.25 * US)
    assert decorator.ratio == pytest.approx((62 / 60 + 1.04) / 2)
    # the pytest-benchmark median is kept; the interleaved one is added
    assert decorator.median == pytest.approx(52 * US)
    assert decorator.interleaved == pytest.approx(52.5 * US)
    assert decorator.typical == decorator.interleaved
    assert row(groups, report.TIMING, "bare").interleaved == pytest.approx(
        50 * US)
    toolbar = row(groups, report.TIMING, "toolbar")
    assert toolbar.interleaved is None and toolbar.typical == toolbar.median


def test_without_paired_rounds_ratio_and_overhead_come_from_medians(report):
    groups = report.rows_by_group(fake_run(report))
    toolbar = row(groups, report.TIMING, "toolbar")
    bare = row(groups, report.TIMING, "bare")
    assert not toolbar.paired
    assert toolbar.ratio == pytest.approx(3.0)
    assert toolbar.overhead == pytest.approx(100 * US)
    assert (bare.ratio, bare.overhead) == (1.0, 0.0)
    talk = row(groups, report.FLAG_ON, "talk_first")
    assert talk.ratio == pytest.approx(0.5)  # against 0.6, the baseline
    assert talk.overhead == pytest.approx(-1.5 * US)


def test_per_check_cost_divides_the_overhead_by_the_checks(report):
    groups = report.rows_by_group(fake_run(report))
    hundred = row(groups, report.FLAGS_REQUEST, "talk_hundred")
    assert hundred.overhead == pytest.approx(120 * US)
    assert hundred.per_check == pytest.approx(1.2 * US)
    assert row(groups, report.FLAGS_REQUEST, "bare").per_check is None


def test_groups_follow_the_report_order_and_a_lone_group_has_no_ratio(
        report):
    groups = report.rows_by_group(fake_run(report))
    assert list(groups) == [report.TIMING, report.FLOOR,
                            report.FLAGS_REQUEST, report.FLAG_ON]
    floor = row(groups, report.FLOOR, "floor")
    assert floor.ratio is None and floor.overhead is None


def test_table_shows_ratio_overhead_and_marks_unpaired_rows(report):
    table = report.format_table(report.rows_by_group(fake_run(report)))
    lines = {line.split("  ")[1].strip(): line for line in table.splitlines()
             if line.startswith("  ") and not line.startswith("  variant")}
    decorator = lines["@add_timing_information"].split()
    # median, IQR, interleaved median, x base, overhead, [Q1, Q3]
    assert decorator[1:] == ["52.00", "1.00", "52.50", "1.037", "2.00",
                             "[1.75,", "2.25]"]
    assert "100.00*" in lines["Flask-DebugToolbar (timer panel)"]
    assert lines["talk_hundred"].rstrip().endswith("1.20")


def test_paired_stats_rejects_rounds_of_different_lengths(report):
    with pytest.raises(ValueError, match="rounds"):
        report.paired_stats({"bare": [1.0, 2.0], "x": [1.0]}, "bare")


def test_quartiles_of_one_value_and_of_none(report):
    assert report.quartiles([3.0]) == (3.0, 3.0, 3.0)
    with pytest.raises(ValueError):
        report.quartiles([])


def test_newest_run_is_chosen_by_its_datetime_not_its_file_name(
        report, tmp_path):
    runs = tmp_path / "results" / "Linux-CPython-3.11-64bit"
    runs.mkdir(parents=True)
    (runs / "0002_old.json").write_text(json.dumps(
        fake_run(report, "2026-01-01T00:00:00+00:00")))
    (runs / "0001_new.json").write_text(json.dumps(
        fake_run(report, "2026-02-01T00:00:00+00:00")))
    (runs / "notes.json").write_text("[1, 2]")
    assert report.newest(tmp_path / "results").name == "0001_new.json"
    with pytest.raises(FileNotFoundError):
        report.newest(tmp_path / "empty")


def test_main_prints_table_and_writes_a_deterministic_chart(
        report, tmp_path, capsys):
    results = tmp_path / "run.json"
    results.write_text(json.dumps(fake_run(report)))
    charts = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for chart in charts:
        assert report.main([str(results), "--chart", str(chart)]) == 0
    assert charts[0].read_bytes() == charts[1].read_bytes()
    svg = charts[0].read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<dc:date>" not in svg
    out = capsys.readouterr().out
    assert report.TIMING in out and "@add_timing_information" in out


def test_main_without_results_is_a_clear_error(report, tmp_path, capsys):
    assert report.main(["--results", str(tmp_path), "--no-chart"]) == 1
    assert "make bench" in capsys.readouterr().err
