"""Issue 4 benchmark: `pg_restore -d` vs `pgfunnel restore -d` on an archive with at least
300 MB of table data made by pg_dump in the same run, with -j 1 and -j 2, alternating the two
tools into fresh databases; prints the time ratios and both peak RSS figures.

Usage: python3 scripts/bench/restore_database.py [--mb 320] [--repeats 2]"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import measure  # noqa: E402
import server  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--mb", type=int, default=320)
ap.add_argument("--repeats", type=int, default=2)
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = os.path.join(root, ".build", "release", "pgfunnel")
subprocess.run(["swift", "build", "-c", "release", "--product", "pgfunnel"], cwd=root, check=True)

with server.Server(15) as srv:
    srv.make_mixed_database("bench", args.mb)
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "bench.dump")
        srv.tool("pg_dump", ["-Fc", "-f", archive, "bench"])
        print(f"archive: {os.path.getsize(archive) / 1e6:.0f} MB compressed, {args.mb} MB of COPY text", flush=True)
        pg_restore = server.binary("pg_restore", 15)

        def fresh(label):
            srv.psql("postgres", "DROP DATABASE IF EXISTS target")
            srv.psql("postgres", "CREATE DATABASE target")

        for jobs in ("1", "2"):
            best = measure.alternate(
                "pg_restore", [pg_restore, "-j", jobs, "-d", srv.conninfo("target"), archive],
                "pgfunnel", [binary, "restore", "-j", jobs, "-d", srv.conninfo("target"), archive],
                repeats=args.repeats, before_each=fresh)
            measure.report(f"restore -d -j {jobs}", "pg_restore", "pgfunnel", best)
