"""Names of the benchmark groups, and the units, shared by the benchmarks
and report.py.

One group is one pytest-benchmark table: like compared with like.
"""

#: Seconds -> microseconds (the report and the slides), and -> nanoseconds
#: (the interleaved rounds saved in a run): the one place each is said.
US = 1e6
NS = 1e9

TIMING = "timing: one request via app.wsgi_app"
CLIENT = "timing: one request via the test client"
FLOOR = "timing: the floor (2 perf_counter calls + 1 header)"
FLAGS_REQUEST = "flags: one request via app.wsgi_app"
FLAG_ON = "flags: one is_active call in a request, flag on"
FLAG_MISSING = "flags: one is_active call in a request, flag missing"
FLAGS_SCALE = "flags: one request via app.wsgi_app, by flags configured"
FLAG_TABLE = "flags: one request with Flask-SQLAlchemy (SQLite), one check"
TURNING = ("turning point: one request, flags in a table (SQLite), "
           "snapshot or kept in g")

#: The order the report prints them in.
ORDER = [TIMING, CLIENT, FLOOR, FLAGS_REQUEST, FLAG_ON, FLAG_MISSING,
         FLAGS_SCALE, FLAG_TABLE, TURNING]
