"""The benchmark suite (pytest-benchmark, ``make bench``) and its report.

Not talk material: ``bench_variants`` builds what is measured,
``bench_paired`` times variants in interleaved rounds, ``report`` turns the
newest run into the table, the chart and the figures the slides show.
"""
