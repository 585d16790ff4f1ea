"""Issue 2 benchmark: `pg_restore -f /dev/null` vs `pgfunnel restore -f /dev/null` on an archive
with at least 300 MB of table data made by pg_dump in the same run.

Usage: python3 scripts/bench/restore_script.py [--mb 320] [--repeats 3]"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import measure  # noqa: E402
import server  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--mb", type=int, default=320, help="megabytes of COPY text to generate")
ap.add_argument("--repeats", type=int, default=3)
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = measure.build_pgfunnel(root)

with server.Server(15) as srv:
    srv.make_mixed_database("bench", args.mb)
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "bench.dump")
        srv.tool("pg_dump", ["-Fc", "-f", archive, "bench"])
        size = os.path.getsize(archive) / 1e6
        print(f"archive: {size:.0f} MB compressed, {args.mb} MB of COPY text", flush=True)
        pg_restore = server.binary("pg_restore", 15)
        best = measure.alternate("pg_restore", [pg_restore, "-f", "/dev/null", archive],
                                 "pgfunnel", [binary, "restore", "-f", "/dev/null", archive],
                                 repeats=args.repeats)
        measure.report("restore -f /dev/null", "pg_restore", "pgfunnel", best)
