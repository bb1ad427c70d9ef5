"""The benchmark suite (pytest-benchmark, ``make bench``) and its report.

Not talk material: ``bench_variants`` builds what is measured (each
variant carries its metadata), ``bench_paired`` times variants in
interleaved rounds, ``report`` prints the report of a run, keeps runs in
``results/`` and makes the slides' tables from the run talk/talk.toml pins.
"""
