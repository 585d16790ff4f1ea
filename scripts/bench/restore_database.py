"""Issue 4/6 benchmark: `pg_restore -d` vs `pgfunnel restore -d` on archives made by pg_dump in the
same run, with -j 1 and -j 2, alternating the two tools (and which goes first) into fresh
databases; prints the time ratios and both peak RSS figures.

Two archive sizes (--mb and --small-mb) show that peak RSS does not grow with the amount of table
data. PGFUNNEL_READ_AHEAD=0 in the environment turns pgfunnel's read-ahead off, for comparison.

Usage: python3 scripts/bench/restore_database.py [--mb 320] [--small-mb 80] [--repeats 3]"""
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
ap.add_argument("--small-mb", type=int, default=80, help="second, smaller archive for the RSS comparison (0: skip)")
ap.add_argument("--repeats", type=int, default=3)
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = measure.build_pgfunnel(root)


def compare(srv, archive, jobs, repeats):
    """Best time and largest peak RSS of each tool, the first tool alternating between rounds."""
    pg_restore = server.binary("pg_restore", srv.major)
    cmds = {
        "pg_restore": [pg_restore, "-j", jobs, "-d", srv.conninfo("target"), archive],
        "pgfunnel": [binary, "restore", "-j", jobs, "-d", srv.conninfo("target"), archive],
    }
    best = {label: (float("inf"), 0.0) for label in cmds}
    for i in range(repeats):
        order = ["pg_restore", "pgfunnel"] if i % 2 == 0 else ["pgfunnel", "pg_restore"]
        for label in order:
            srv.psql("postgres", "DROP DATABASE IF EXISTS target")
            srv.psql("postgres", "CREATE DATABASE target")
            # The previous run's WAL is flushed now, not by a checkpoint in the middle of this one.
            srv.psql("postgres", "CHECKPOINT")
            t, rss = measure.run(cmds[label])
            print(f"  run {i + 1} {label}: {t:.2f} s, peak RSS {rss:.1f} MiB", flush=True)
            bt, brss = best[label]
            best[label] = (min(bt, t), max(brss, rss))
    return best


with server.Server(15) as srv, tempfile.TemporaryDirectory() as tmp:
    sizes = [args.mb] + ([args.small_mb] if args.small_mb else [])
    results = []
    for mb in sizes:
        db = f"bench{mb}"
        srv.make_mixed_database(db, mb)
        archive = os.path.join(tmp, f"{db}.dump")
        srv.tool("pg_dump", ["-Fc", "-f", archive, db])
        print(f"archive: {os.path.getsize(archive) / 1e6:.0f} MB compressed, {srv.copy_text_bytes(db) / 1e6:.0f} MB of COPY text", flush=True)
        for jobs in ("1", "2"):
            best = compare(srv, archive, jobs, args.repeats)
            title = f"restore -d -j {jobs} ({mb} MB)"
            measure.report(title, "pg_restore", "pgfunnel", best)
            results.append((title, best))
    print("summary:")
    for title, best in results:
        measure.report("  " + title, "pg_restore", "pgfunnel", best)
