"""Interleaved ("paired") timing of several variants (not talk material).

pytest-benchmark times one test after another, so a busy second on this
shared 2-core machine can land on one variant only, and two runs of the
same request differ by more than the 1-4 us we want to see. Here the
variants take turns inside every *round*, and the report compares each
variant with the baseline *of the same round*: the median of the per-round
differences (and ratios), with their IQR.

Two ways to take turns:

- ``"call"``: a round is *cycles* cycles; each cycle calls every variant
  once, in a freshly shuffled order, each call timed on its own. For whole
  requests (``app.wsgi_app``), which need no context around them.
- ``"block"``: a round times one block of calls per variant (about
  *block_seconds* each, inside the variant's context, e.g. a pushed request
  context), in a freshly shuffled order; each call is timed on its own so
  that the variant's untimed setup can run before it. For the 1-10 us
  flag checks.

Used through ``benchmark.pedantic`` so the rounds run in the
pytest-benchmark session; the per-round times go into the test's
``extra_info["paired"]`` and so into the saved JSON.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Mapping
from contextlib import nullcontext
from math import ceil
from time import perf_counter

from benchmarks.bench_groups import NS
from benchmarks.bench_variants import Variant

#: Rounds per paired run, and rounds run first and thrown away.
ROUNDS = 600
WARMUP_ROUNDS = 20


class PairedRunner:
    """Time *variants* (name -> Variant) in interleaved rounds; each call
    of :meth:`round` appends one seconds-per-call value per variant to
    :attr:`per_call`. *mode* is ``"call"`` or ``"block"`` (see above)."""

    def __init__(self, variants: Mapping[str, Variant], mode: str = "call",
                 cycles: int = 10, block_seconds: float = 0.001,
                 seed: int = 2013) -> None:
        if mode not in ("call", "block"):
            raise ValueError(f"mode must be 'call' or 'block', not {mode!r}")
        if mode == "call" and any(v.context is not nullcontext or v.setup
                                  for v in variants.values()):
            raise ValueError("call mode has no context or setup per call")
        self.variants = dict(variants)
        self.mode = mode
        self.cycles = cycles
        self.block_seconds = block_seconds
        self.calls = dict.fromkeys(self.variants, 1)
        self.per_call: dict[str, list[float]] = {n: [] for n in self.variants}
        self._order = list(self.variants)
        self._random = random.Random(seed)

    def quick(self) -> None:
        """Make a round as short as possible: one call of each variant."""
        self.cycles = 1
        self.calls = dict.fromkeys(self.variants, 1)

    def calibrate(self) -> None:
        """Block mode: choose the calls per block after a short warm-up."""
        if self.mode != "block":
            return
        for name, variant in self.variants.items():
            self._block(variant, 20)
            calls = 1
            seconds = self._block(variant, calls)
            while seconds < self.block_seconds / 5 and calls < 1_000_000:
                calls *= 4
                seconds = self._block(variant, calls)
            self.calls[name] = max(1, ceil(self.block_seconds * calls
                                           / seconds))

    def round(self) -> None:
        """Time one round of every variant."""
        if self.mode == "call":
            self._call_round()
        else:
            self._random.shuffle(self._order)
            for name in self._order:
                calls = self.calls[name]
                seconds = self._block(self.variants[name], calls)
                self.per_call[name].append(seconds / calls)

    def warm_up(self, rounds: int) -> None:
        """Run *rounds* rounds and forget them."""
        for _ in range(rounds):
            self.round()
        self.per_call = {name: [] for name in self.variants}

    def result(self) -> dict[str, object]:
        """JSON-ready: how it ran, the baseline and the per-call times
        of every round (nanoseconds)."""
        baseline = [n for n, v in self.variants.items() if v.baseline]
        return {"mode": self.mode, "timer": "perf_counter",
                "baseline": baseline[0] if baseline else None,
                "rounds": len(next(iter(self.per_call.values()), [])),
                "cycles": self.cycles if self.mode == "call" else None,
                "calls_per_block": (dict(self.calls)
                                    if self.mode == "block" else None),
                # one string per variant: whole ns, space-separated, so
                # the saved JSON stays small (one line, not one per round)
                "per_call_ns": {n: " ".join(str(round(t * NS)) for t in v)
                                for n, v in self.per_call.items()}}

    def _call_round(self) -> None:
        calls = {name: v.call for name, v in self.variants.items()}
        totals = dict.fromkeys(calls, 0.0)
        enabled = gc.isenabled()
        gc.disable()
        try:
            for _ in range(self.cycles):
                self._random.shuffle(self._order)
                for name in self._order:
                    call = calls[name]
                    started = perf_counter()
                    call()
                    totals[name] += perf_counter() - started
        finally:
            if enabled:
                gc.enable()
        for name, total in totals.items():
            self.per_call[name].append(total / self.cycles)

    @staticmethod
    def _block(variant: Variant, calls: int) -> float:
        """Seconds spent in *calls* calls, each timed on its own, so that a
        variant's untimed setup can run between them."""
        call, setup = variant.call, variant.setup
        total = 0.0
        with variant.context():
            enabled = gc.isenabled()
            gc.disable()
            try:
                for _ in range(calls):
                    if setup is not None:
                        setup()
                    started = perf_counter()
                    call()
                    total += perf_counter() - started
            finally:
                if enabled:
                    gc.enable()
        return total


def run_paired(benchmark, group: str, variants: Mapping[str, Variant],
               mode: str = "call", rounds: int = ROUNDS, cycles: int = 10
               ) -> PairedRunner:
    """Run *variants* in *rounds* interleaved rounds (call mode: of
    *cycles* cycles each) under the ``benchmark`` fixture (its own stats
    time whole rounds) and store the per-round times in
    ``extra_info["paired"]``, tagged with *group*. Slow variants (tens of
    ms a call) take fewer rounds and cycles.

    With ``--benchmark-disable`` it runs one round of one call each.
    """
    names = "+".join(variants)
    benchmark.group = f"paired rounds: {group}"
    runner = PairedRunner(variants, mode=mode, cycles=cycles)
    if benchmark.disabled:
        runner.quick()
        rounds = 1
    else:
        runner.calibrate()
        runner.warm_up(min(WARMUP_ROUNDS, rounds))
    benchmark.pedantic(runner.round, rounds=rounds)
    benchmark.extra_info["paired"] = {"group": group, "variants": names,
                                      **runner.result()}
    return runner
