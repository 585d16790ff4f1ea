"""`pgfunnel export` vs psql's `\\copy ... to` on one table of at least 300 MB (on disk and as COPY text)
(alternating runs): wall-time ratio and both peak RSS figures. Also checks once that both files
are byte-identical, and times `pgfunnel load` of the file against psql's `\\copy ... from`.

Usage: python3 scripts/bench/export.py [--mb 320] [--repeats 2] [--major 15]"""
import argparse
import filecmp
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
ap.add_argument("--major", type=int, default=15)
ap.add_argument("--baseline", help="another pgfunnel binary (e.g. main's) to time in the same text runs")
ap.add_argument("--only-text", action="store_true", help="skip the csv and load runs")
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = measure.build_pgfunnel(root)

with server.Server(args.major) as srv:
    psql = server.binary("psql", args.major)
    # One table holding the whole volume. make_mixed_database assumes 520 bytes of COPY text a row;
    # these rows come out near 360, so ask for proportionally more.
    srv.make_mixed_database("bench", args.mb * 3 // 2, tables=1)
    size = int(srv.psql("bench", "SELECT pg_total_relation_size('t0')").strip())
    print(f"table t0: {size / 1e6:.0f} MB on disk (pg_total_relation_size)", flush=True)
    with tempfile.TemporaryDirectory(dir=os.environ.get("PGFUNNEL_BENCH_TMP")) as tmp:
        ours, theirs = os.path.join(tmp, "ours.txt"), os.path.join(tmp, "theirs.txt")
        for fmt, opts, psql_opts in (("text", [], ""), ("csv", ["--format", "csv", "--header"], " with (format csv, header)")):
            best = measure.alternate(
                "psql \\copy", [psql, "-qX", "-d", srv.conninfo("bench"), "-c", f"\\copy t0 to '{theirs}'{psql_opts}"],
                "pgfunnel", [binary, "export", "-t", "t0", *opts, "-f", ours, "-d", srv.conninfo("bench")],
                repeats=args.repeats)
            measure.report(f"export {fmt} ({os.path.getsize(ours) / 1e6:.0f} MB file)", "psql \\copy", "pgfunnel", best)
            print(f"  files identical: {filecmp.cmp(ours, theirs, shallow=False)}", flush=True)
            if fmt == "text":
                # pgfunnel fsyncs the file before renaming it into place; psql does not sync at all.
                best = measure.alternate(
                    "psql \\copy", [psql, "-qX", "-d", srv.conninfo("bench"), "-c", f"\\copy t0 to '{theirs}'"],
                    "pgfunnel --no-sync", [binary, "export", "-t", "t0", "--no-sync", "-f", ours, "-d", srv.conninfo("bench")],
                    repeats=args.repeats)
                measure.report("export text, no fsync", "psql \\copy", "pgfunnel --no-sync", best)
                if args.baseline:
                    best = measure.alternate(
                        "baseline", [args.baseline, "export", "-t", "t0", "-f", ours, "-d", srv.conninfo("bench")],
                        "pgfunnel", [binary, "export", "-t", "t0", "-f", ours, "-d", srv.conninfo("bench")],
                        repeats=args.repeats)
                    measure.report("export text, baseline binary vs this build", "baseline", "pgfunnel", best)
                if args.only_text:
                    break

        if args.only_text:
            sys.exit(0)
        # Load: text file back into an empty copy, truncated before each run.
        srv.psql("bench", "CREATE TABLE t0_copy (LIKE t0)")
        subprocess.run([binary, "export", "-t", "t0", "-f", ours, "-d", srv.conninfo("bench")], check=True)
        best = measure.alternate(
            "psql \\copy", [psql, "-qX", "-d", srv.conninfo("bench"), "-c", f"\\copy t0_copy from '{ours}'"],
            "pgfunnel", [binary, "load", "-t", "t0_copy", "-f", ours, "-d", srv.conninfo("bench")],
            repeats=args.repeats, before_each=lambda _: srv.psql("bench", "TRUNCATE t0_copy"))
        measure.report("load text", "psql \\copy", "pgfunnel", best)
