"""What timing a request costs: the talk's decorator against the other
hooks, a debug toolbar, and the floor no timing can avoid.

Each test asserts behaviour (the header is there, in seconds), never a time.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_variants as bv
from benchmarks.bench_paired import ROUNDS, run_paired

TIMING_NAMES = ["bare", "decorator", "hooks", "teardown", "blueprint",
                "signals", "middleware", "toolbar", "toolbar_default"]


@pytest.fixture(scope="module")
def timing():
    return bv.timing_variants()


@pytest.fixture(scope="module")
def client_variants():
    return bv.client_variants()


def assert_timed(variant: bv.Variant) -> None:
    """A GET / through the full app answers the page, with X-Runtime in
    seconds, none for the bare view; the teardown variant files the time
    the request ended instead."""
    filed = variant.app.extensions.get(bv.RUNTIMES)
    before = len(filed) if filed is not None else None
    response = variant.app.test_client().get("/")
    assert response.status_code == 200
    assert "Hello" in response.get_data(as_text=True)
    if variant.baseline or filed is not None:
        assert bv.HEADER not in response.headers
    else:
        assert 0 <= float(response.headers[bv.HEADER]) < 10
    if filed is not None:
        assert len(filed) == min(before + 1, filed.maxlen)
        assert filed[-1] > 0


@pytest.mark.parametrize("name", TIMING_NAMES)
def test_timing_request(benchmark, timing, name):
    variant = timing[name]
    benchmark.group = bv.TIMING
    benchmark.extra_info.update(variant.info())
    benchmark(variant.call)
    assert_timed(variant)


@pytest.mark.parametrize("name", ["bare", "decorator"])
def test_client_request(benchmark, client_variants, name):
    variant = client_variants[name]
    benchmark.group = bv.CLIENT
    benchmark.extra_info.update(variant.info())
    response = benchmark(variant.call)
    assert response.status_code == 200
    assert (bv.HEADER in response.headers) is not variant.baseline


def test_floor(benchmark):
    variant = bv.floor_variant()
    benchmark.group = bv.FLOOR
    benchmark.extra_info.update(variant.info())
    response = benchmark(variant.call)
    assert 0 <= float(response.headers[bv.HEADER]) < 1


#: Paired runs: (group, variant names, rounds, cycles). The toolbar's
#: template rendering slows whatever request runs next, so it takes turns
#: with the bare view only, not with the light variants; with its default
#: panels (~50-100 ms a request) it takes fewer rounds.
PAIRED = {
    "light": (bv.TIMING, ["bare", "decorator", "hooks", "teardown",
                          "blueprint", "signals", "middleware"], ROUNDS, 10),
    "toolbar": (bv.TIMING, ["bare", "toolbar"], ROUNDS, 10),
    "toolbar_default": (bv.TIMING, ["bare", "toolbar_default"], 40, 1),
    "client": (bv.CLIENT, ["bare", "decorator"], ROUNDS, 10),
}


@pytest.mark.parametrize("run", sorted(PAIRED))
def test_paired_timing(benchmark, timing, client_variants, run):
    group, names, rounds, cycles = PAIRED[run]
    variants = timing if group == bv.TIMING else client_variants
    runner = run_paired(benchmark, group, {n: variants[n] for n in names},
                        rounds=rounds, cycles=cycles)
    rounds = 1 if benchmark.disabled else rounds
    assert {len(times) for times in runner.per_call.values()} == {rounds}
    assert all(t > 0 for times in runner.per_call.values() for t in times)
