"""What a feature-flag check costs inside a request: the talk's is_active
(flask-flags/flask_flags.py) against Flask-FeatureFlags 0.6.

Each test asserts behaviour (the right answer), never a time.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_variants as bv
from benchmarks.bench_paired import ROUNDS, run_paired

CASE_TEXT = {"installed": "Hello", "one": "on=True",
             "hundred": f"count={bv.HUNDRED}", "missing": "on=False",
             "view": "Hello"}
#: Each request variant's name and the text its page holds.
EXPECTED_TEXT = {"bare": "Hello", **{
    f"{ext}_{case}": CASE_TEXT[case] for ext in ("talk", "06")
    for case, _, _ in bv.FLAG_CASES}}
REQUEST_NAMES = list(EXPECTED_TEXT)
CALL_GROUPS = {bv.FLAG_ON: True, bv.FLAG_MISSING: False}


@pytest.fixture(scope="module")
def request_variants():
    return bv.flag_request_variants()


@pytest.fixture(scope="module")
def call_variants():
    return bv.flag_call_variants()


@pytest.mark.parametrize("name", REQUEST_NAMES)
def test_flag_request(benchmark, request_variants, name):
    variant = request_variants[name]
    benchmark.group = bv.FLAGS_REQUEST
    benchmark.extra_info.update(variant.info())
    benchmark(variant.call)
    response = variant.app.test_client().get("/")
    assert response.status_code == 200
    assert EXPECTED_TEXT[name] in response.get_data(as_text=True)


#: Rounds of one call each for the is_active benchmarks (each round has
#: its own untimed setup, so pytest-benchmark cannot batch the calls).
CALL_ROUNDS, CALL_WARMUP = 20_000, 2_000


@pytest.mark.parametrize("name", ["06_on", "talk_first", "talk_repeat",
                                  "06_missing", "talk_missing"])
def test_flag_call(benchmark, call_variants, name):
    group = next(g for g, variants in call_variants.items()
                 if name in variants)
    variant = call_variants[group][name]
    benchmark.group = group
    benchmark.extra_info.update(variant.info())
    with variant.context():
        variant.call()  # asked once: "again" is then a cached answer
        answer = benchmark.pedantic(variant.call, setup=variant.setup,
                                    rounds=CALL_ROUNDS,
                                    warmup_rounds=CALL_WARMUP)
    assert answer is CALL_GROUPS[group]


#: Paired runs: (group, variant names, mode). The two 100-check requests
#: take turns with the bare view only, so their extra work does not slow
#: the light variants' turns.
LIGHT = [n for n in REQUEST_NAMES if not n.endswith("_hundred")]
PAIRED = {
    "request": (bv.FLAGS_REQUEST, LIGHT, "call"),
    "hundred": (bv.FLAGS_REQUEST, ["bare", "talk_hundred", "06_hundred"],
                "call"),
    "on": (bv.FLAG_ON, ["06_on", "talk_first", "talk_repeat"], "block"),
    "missing": (bv.FLAG_MISSING, ["06_missing", "talk_missing"], "block"),
}


@pytest.mark.parametrize("run", sorted(PAIRED))
def test_paired_flags(benchmark, request_variants, call_variants, run):
    group, names, mode = PAIRED[run]
    variants = (request_variants if group == bv.FLAGS_REQUEST
                else call_variants[group])
    runner = run_paired(benchmark, group, {n: variants[n] for n in names},
                        mode=mode)
    rounds = 1 if benchmark.disabled else ROUNDS
    assert {len(times) for times in runner.per_call.values()} == {rounds}


# --- the cost of a request by the number of flags configured ---------------

@pytest.fixture(scope="module")
def scale_variants():
    return bv.scale_variants()


SCALE_NAMES = [(count, name) for count in bv.FLAG_COUNTS
               for name in [f"bare_{count}", f"naive_{count}_0"] + [
                   f"{ext}_{count}_{checks}" for ext in ("talk", "06")
                   for checks in (0, 1)]]


@pytest.mark.parametrize("count, name", SCALE_NAMES,
                         ids=[name for _, name in SCALE_NAMES])
def test_flag_scale(benchmark, scale_variants, count, name):
    variant = scale_variants[count][name]
    benchmark.group = bv.FLAGS_SCALE
    benchmark.extra_info.update(variant.info())
    benchmark(variant.call)
    response = variant.app.test_client().get("/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert ("on=True" if variant.checks else "Hello") in text
    assert len(variant.app.config["FEATURE_FLAGS"]) == count


@pytest.mark.parametrize("count", bv.FLAG_COUNTS)
def test_paired_flag_scale(benchmark, scale_variants, count):
    runner = run_paired(benchmark, bv.FLAGS_SCALE, scale_variants[count],
                        mode="call")
    rounds = 1 if benchmark.disabled else ROUNDS
    assert {len(times) for times in runner.per_call.values()} == {rounds}


# --- a flag kept in a database table ----------------------------------------

@pytest.fixture(scope="module")
def table_variants():
    return bv.table_variants()


TABLE_TEXT = {"table_none": "Hello", "table_flag": "on=True",
              "config_flag": "on=True"}


@pytest.mark.parametrize("name", sorted(TABLE_TEXT))
def test_flag_table(benchmark, table_variants, name):
    variant = table_variants[name]
    benchmark.group = bv.FLAG_TABLE
    benchmark.extra_info.update(variant.info())
    benchmark(variant.call)
    path = {"table_none": "/bench/none", "table_flag": "/bench/table",
            "config_flag": "/bench/config"}[name]
    response = variant.app.test_client().get(path)
    assert response.status_code == 200
    assert TABLE_TEXT[name] in response.get_data(as_text=True)


def test_paired_flag_table(benchmark, table_variants):
    runner = run_paired(benchmark, bv.FLAG_TABLE, table_variants,
                        mode="call")
    rounds = 1 if benchmark.disabled else ROUNDS
    assert {len(times) for times in runner.per_call.values()} == {rounds}


# --- the turning point: the naive snapshot with the table handler ----------

@pytest.fixture(scope="module")
def turning_variants():
    return bv.turning_variants()


#: (flag count, page queries), variant name: what the group measures.
TURNING_KEYS = [(count, page_queries) for count in bv.TURNING_COUNTS
                for page_queries, _, _ in bv.TURNING_PAGES]
#: ... and the path it requests.
TURNING_NAMES = [
    ((count, page_queries), f"{kind}_{part}{case}_{count}",
     f"/bench/{path}{case}")
    for count in bv.TURNING_COUNTS
    for page_queries, part, path in bv.TURNING_PAGES
    for kind in ("lazy", "naive") for case in ("none", "one")]


@pytest.mark.parametrize("key, name, path", TURNING_NAMES,
                         ids=[name for _, name, _ in TURNING_NAMES])
def test_turning_point(benchmark, turning_variants, key, name, path):
    """Queries per request (SQLAlchemy events): the snapshot sends one
    flag query per flag configured, answers kept in g one per flag
    checked; the page's own query (if any) is counted apart."""
    count, page_queries = key
    variant = turning_variants[key][name]
    flag_queries, other = bv.count_queries(variant)
    benchmark.group = bv.TURNING
    benchmark.extra_info.update(variant.info(), queries=flag_queries,
                                page_queries=other)
    benchmark(variant.call)
    assert flag_queries == (count if variant.extension == "naive"
                            else variant.checks)
    assert other == variant.page_queries == page_queries
    response = variant.app.test_client().get(path)
    assert response.status_code == 200
    assert ("on=True" if variant.checks else "Hello") in response.get_data(
        as_text=True)


#: (flag count, page queries), the variant kind and case timed against
#: that page's baseline (answers kept in g, no check).
TURNING_ARMS = [(key, extension, checks) for key in TURNING_KEYS
                for extension, checks in (("talk", 1), ("naive", 0),
                                          ("naive", 1))]


@pytest.mark.parametrize("key, extension, checks", TURNING_ARMS,
                         ids=[f"{c}_flags_{q}_page_queries_{e}_{n}_checks"
                              for (c, q), e, n in TURNING_ARMS])
def test_paired_turning_point(benchmark, turning_variants, key, extension,
                              checks):
    """Each variant takes turns with its page's baseline alone, as the
    toolbar with its default panels does in the timing group: a snapshot
    request of 4-40 ms between two light ones slows them (their caches
    and SQLite's are cold after it), which charged the light variants
    for the heavy one's work. Fewer rounds: the snapshot of 100 flags
    takes tens of ms."""
    variants = turning_variants[key]
    baseline = next(n for n, v in variants.items() if v.baseline)
    (name,) = [n for n, v in variants.items() if not v.baseline
               and v.extension == extension and v.checks == checks]
    runner = run_paired(benchmark, bv.TURNING,
                        {n: variants[n] for n in (baseline, name)},
                        mode="call", rounds=100, cycles=1)
    rounds = 1 if benchmark.disabled else 100
    assert {len(times) for times in runner.per_call.values()} == {rounds}
