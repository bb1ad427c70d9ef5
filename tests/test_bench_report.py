"""benchmarks/report.py: the table's ratios and overheads, runs read, found
and kept, and the slides' tables, on small hand-made runs."""

from __future__ import annotations

import json

import pytest

from benchmarks import report
from benchmarks.bench_groups import (FLAG_ON, FLAGS_REQUEST, FLOOR, TIMING,
                                     TURNING)

MICRO = 1 / report.US  # one microsecond, in seconds


def bench(group, name, median, baseline=False, label=None, **meta):
    return {"group": group, "name": f"test_x[{name}]",
            "extra_info": {"variant": name, "label": label or name,
                           "baseline": baseline, **meta},
            "stats": {"median": median * MICRO, "iqr": 1 * MICRO}}


def paired(group, baseline, **per_call_us):
    """A paired run: per variant, its per-round times in µs."""
    return {"group": f"paired rounds: {group}", "name": "test_paired",
            "stats": {"median": 1.0, "iqr": 0.1},
            "extra_info": {"paired": {
                "group": group, "baseline": baseline,
                "per_call_ns": {name: " ".join(str(t * 1000) for t in times)
                                for name, times in per_call_us.items()}}}}


def turning_runs():
    """The turning point's group: per flag count, a page with no query of
    its own (baseline 400 µs) and one with a query (baseline 1,000 µs),
    each in interleaved rounds against its own baseline."""
    rows = []
    # page queries, baseline µs, one check kept in g, the snapshot's µs
    # added at 10 and at 100 flags
    for page, base, one, naive_by_flags in ((0, 400, 800, (2400, 24000)),
                                            (1, 1000, 1300, (3000, 30000))):
        part = "query_" if page else ""
        for n, naive in zip((10, 100), naive_by_flags):
            names = {"lazy_none": f"lazy_{part}none_{n}",
                     "lazy_one": f"lazy_{part}one_{n}",
                     "naive_none": f"naive_{part}none_{n}",
                     "naive_one": f"naive_{part}one_{n}"}
            meta = {"flags": n, "page_queries": page}
            rows += [
                bench(TURNING, names["lazy_none"], base, baseline=True,
                      extension="talk", checks=0, queries=0, **meta),
                bench(TURNING, names["lazy_one"], one, extension="talk",
                      checks=1, queries=1, **meta),
                bench(TURNING, names["naive_none"], base + naive,
                      extension="naive", checks=0, queries=n, **meta),
                bench(TURNING, names["naive_one"], base + naive,
                      extension="naive", checks=1, queries=n, **meta),
                paired(TURNING, names["lazy_none"], **{
                    names["lazy_none"]: [base] * 3,
                    names["lazy_one"]: [one, one - 10, one + 10],
                    names["naive_none"]: [base + naive - 5] * 3,
                    names["naive_one"]: [base + naive, base + naive - 10,
                                         base + naive + 10]})]
    return rows


def fake_run(stamp="2026-01-01T00:00:00+00:00"):
    turning = turning_runs()
    return {
        "datetime": stamp,
        "machine_info": {"python_implementation": "CPython",
                         "python_version": "3.11.7",
                         "cpu": {"brand_raw": "AMD EPYC", "count": 2}},
        "benchmarks": [
            bench(TIMING, "bare", 50, baseline=True, label="bare view"),
            bench(TIMING, "decorator", 52, label="@add_timing_information"),
            bench(TIMING, "toolbar", 150,
                  label="Flask-DebugToolbar (timer panel)"),
            bench(FLOOR, "floor", 1.5, label="floor"),
            bench(FLAGS_REQUEST, "bare", 60, baseline=True),
            bench(FLAGS_REQUEST, "talk_hundred", 180, extension="talk",
                  flags=3, checks=100),
            bench(FLAG_ON, "06_on", 3, baseline=True),
            bench(FLAG_ON, "talk_first", 1.5),
            paired(TIMING, "bare", bare=[50, 50, 60, 50],
                   decorator=[51, 53, 62, 52]),
            *turning,
        ],
    }


def row(groups, group, name):
    return next(r for r in groups[group] if r.name == name)


def write_run(path, data=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data or fake_run()), encoding="utf-8")
    return path


def test_paired_rounds_give_median_difference_ratio_and_iqr():
    groups = report.rows_by_group(fake_run())
    decorator = row(groups, TIMING, "decorator")
    # per-round differences 1, 3, 2, 2 us
    assert decorator.paired
    assert decorator.overhead == pytest.approx(2 * MICRO)
    assert decorator.overhead_q1 == pytest.approx(1.75 * MICRO)
    assert decorator.overhead_q3 == pytest.approx(2.25 * MICRO)
    # from the figures shown: 1 + 2 us added / the bare view's 50 us
    assert decorator.ratio == pytest.approx(1.04)
    assert decorator.median == pytest.approx(52 * MICRO)
    assert decorator.typical == pytest.approx(52.5 * MICRO)  # interleaved


def test_without_paired_rounds_the_overhead_is_the_two_shown_times():
    """An unpaired row against a paired baseline: the difference of the
    two times the table prints, never of other medians."""
    groups = report.rows_by_group(fake_run())
    toolbar, bare = row(groups, TIMING, "toolbar"), row(groups, TIMING, "bare")
    assert not toolbar.paired and toolbar.typical == toolbar.median
    assert bare.typical == pytest.approx(50 * MICRO)
    assert toolbar.overhead == pytest.approx(toolbar.typical - bare.typical)
    assert toolbar.ratio == pytest.approx(3.0)
    assert (bare.ratio, bare.overhead) == (1.0, 0.0)
    table = report.format_table(groups)
    line = next(x for x in table.splitlines() if "timer panel" in x).split()
    assert line[-3:] == ["150.00", "100.00*", "3.000"]


def test_rows_carry_the_variants_metadata_and_per_check_cost():
    groups = report.rows_by_group(fake_run())
    hundred = row(groups, FLAGS_REQUEST, "talk_hundred")
    assert (hundred.extension, hundred.flags, hundred.checks) == (
        "talk", 3, 100)
    assert hundred.per_check == pytest.approx(1.2 * MICRO)
    assert row(groups, TURNING, "naive_one_100").queries == 100
    assert row(groups, FLAGS_REQUEST, "bare").per_check is None


def test_groups_follow_the_report_order_and_a_lone_group_has_no_ratio():
    groups = report.rows_by_group(fake_run())
    assert list(groups) == [TIMING, FLOOR, FLAGS_REQUEST, FLAG_ON, TURNING]
    floor = row(groups, FLOOR, "floor")
    assert floor.ratio is None and floor.overhead is None


def test_table_shows_what_a_variant_adds_and_figures_that_agree():
    """A paired variant shows µs added [IQR] and x base computed from
    them and its baseline's µs/call, not a time that could disagree."""
    table = report.format_table(report.rows_by_group(fake_run()))
    lines = {line[2:42].strip(): line.split() for line in table.splitlines()
             if line.startswith("  ") and not line.startswith("  variant")}
    assert lines["bare view"][2:] == ["50.00", "0.00", "1.000"]
    assert lines["@add_timing_information"][1:] == [
        "2.00", "[1.75,", "2.25]", "1.040"]
    assert lines["naive_one_10"][-2:] == ["2400.00", "10"]  # /check, queries


def test_paired_stats_rejects_rounds_of_different_lengths():
    with pytest.raises(ValueError, match="rounds"):
        report.paired_stats({"bare": [1.0, 2.0], "x": [1.0]}, "bare")


def test_quartiles_of_one_value_and_of_none():
    assert report.quartiles([3.0]) == (3.0, 3.0, 3.0)
    with pytest.raises(ValueError):
        report.quartiles([])


def test_newest_is_chosen_by_datetime_across_folders(tmp_path):
    write_run(tmp_path / "kept" / "m" / "0002_old.json",
              fake_run("2026-01-01T00:00:00+00:00"))
    write_run(tmp_path / "new" / "x.json",
              fake_run("2026-02-01T00:00:00+00:00"))
    (tmp_path / "kept" / "m" / "notes.json").write_text("[1, 2]")
    assert report.newest(tmp_path / "kept", tmp_path / "new").name == "x.json"
    with pytest.raises(FileNotFoundError):
        report.newest(tmp_path / "empty")


@pytest.mark.parametrize("content, reason", [
    (b"\xff\xfe{", "not a pytest-benchmark run (UnicodeDecodeError"),
    (b"{\"datetime\": ", "not a pytest-benchmark run (JSONDecodeError"),
    (b"{\"benchmarks\": [{\"group\": \"g\", \"extra_info\": "
     b"{\"variant\": \"x\"}}]}", "not a pytest-benchmark run (KeyError"),
])
def test_a_broken_run_is_one_line_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "0001_bad.json"
    path.write_bytes(content)
    with pytest.raises(report.RunError) as caught:
        report.load_run(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {reason}") and "\n" not in message


def test_a_run_is_pinned_by_its_number_and_kept_with_the_next(tmp_path):
    results = tmp_path / "results"
    write_run(results / "Linux-CPython-3.11-64bit" / "0004_a.json")
    data = fake_run()
    for one in data["benchmarks"]:  # pytest-benchmark's raw rounds
        one["stats"]["data"] = [one["stats"]["median"]] * 3
    new = write_run(tmp_path / "build" / "20260101T000000Z.json", data)
    kept = report.keep(new, results)
    assert kept == (results / "Linux-CPython-3.11-64bit"
                    / "0005_20260101T000000Z.json")
    assert report.load_run(kept).groups == report.load_run(new).groups
    # the raw timings of every round stay behind: medians are kept
    stats = [b["stats"] for b in json.loads(kept.read_text())["benchmarks"]]
    assert stats and all("data" not in s and "median" in s for s in stats)
    assert report.pinned("0005", results) == kept
    with pytest.raises(report.RunError, match="0 runs numbered '0006'"):
        report.pinned("0006", results)
    run = report.load_run(kept)
    assert run.name == "run 0005" and "AMD EPYC (2 cores)" in run.source()


def test_main_prints_the_report_and_keeps_on_request(
        tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(report, "NEW_RESULTS", tmp_path / "new")
    assert report.main([]) == 1
    assert "make bench" in capsys.readouterr().err
    new = write_run(tmp_path / "new" / "20260101T000000Z.json")
    assert report.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith(str(new)) and "@add_timing_information" in out
    assert report.main(["--keep"]) == 0
    assert 'run = "0001"' in capsys.readouterr().out
    assert report.pinned("0001", tmp_path / "results").exists()


def test_micro_shows_noise_as_about_zero_and_large_values_whole():
    assert report.micro(0.3 * MICRO) == report.micro(-0.4 * MICRO) == "≈ 0"
    assert report.micro(3.04 * MICRO) == "+3.0"
    assert report.micro(1234.5 * MICRO) == "+1,234"


def test_the_turning_point_gives_queries_and_time_by_flags(tmp_path):
    """On the page with a query of its own: rows and columns, every cell
    from its row's paired median, the ratios from the figures shown."""
    text = report.turning_point(report.load_run(
        write_run(tmp_path / "0001_x.json")))
    lines = [line.strip() for line in text.splitlines()]
    # by flags configured (10, 100): snapshot with no check, with one;
    # answers kept in g with one, with none (the baseline)
    assert lines[lines.index("* - flags configured"):][:15] == [
        "* - flags configured", "- 10", "- 100",
        "* - snapshot, no check",
        "- 10 queries, +2,995 µs", "- 100 queries, +29,995 µs",
        "* - snapshot, one check",
        "- 10 queries, +3,000 µs", "- 100 queries, +30,000 µs",
        "* - kept in ``g``, one check",
        "- 1 query, +300 µs", "- 1 query, +300 µs",
        "* - kept in ``g``, no check",
        "- 0 queries", "- 0 queries"]
    assert len([x for x in lines if x.startswith("* - ")]) == 5
    assert ("At 10 flags, one check: the snapshot 10× the time, 10× the "
            "queries") in text
    assert ("µs added to a page that runs one query of its own (1,000 µs "
            "at 10 flags; its query is not in the counts), SQLite in "
            "memory") in text
    # the page with no query of its own: +400 µs, the snapshot +2,400
    assert ("With none, one check also opens the session: +400 µs, the "
            "snapshot 6.0×") in text


def test_the_turning_point_needs_the_page_with_its_own_query(tmp_path):
    data = fake_run()
    data["benchmarks"] = [b for b in data["benchmarks"] if b.get(
        "extra_info", {}).get("page_queries") != 1 and "query_" not in str(
            b.get("extra_info", {}).get("paired", {}).get("baseline"))]
    run = report.load_run(write_run(tmp_path / "0001_x.json", data))
    with pytest.raises(report.RunError, match=r"0001_x.json: no .*query of "
                       "its own: run 'make bench'"):
        report.turning_point(run)


def test_multiples_show_one_decimal_below_ten():
    assert report.multiple(8.26) == "8.3×"
    assert report.multiple(9.96) == "10.0×"
    assert report.multiple(10.4) == "10×"
    assert report.multiple(96.2) == "96×"


def test_a_missing_figure_names_the_run(tmp_path):
    data = fake_run()
    data["benchmarks"] = [b for b in data["benchmarks"]
                          if b["group"] != TIMING]
    run = report.load_run(write_run(tmp_path / "0001_x.json", data))
    with pytest.raises(report.RunError, match=r"0001_x.json: no bare"):
        report.decision_table(run)


@pytest.mark.parametrize("q1, shown", [(-2.7e-6, "≈ 0"), (0.0, "≈ 0"),
                                       (1.0e-6, "+3.0")])
def test_a_cell_whose_middle_half_reaches_zero_is_noise(q1, shown):
    row = report.Row(group="g", name="teardown", label="teardown",
                     median=1e-4, iqr=1e-5, overhead=3e-6, overhead_q1=q1,
                     overhead_q3=8.8e-6)
    assert report.added(row) == shown
