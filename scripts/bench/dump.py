"""Issues 3 and 6 benchmark: `pg_dump -Fc` vs `pgfunnel dump` on a database of at least 300 MB made
in the same run (alternating runs, same compression): wall-time ratio, archive size ratio and both
peak RSS figures, at gzip level 6 (the default) and 1, and with zstd (pg_dump 18, which dumps the
15 server too) next to the time of the tables' `COPY ... TO STDOUT` alone (psql \copy to
/dev/null, one connection). pgfunnel's peak RSS at a second, smaller database size shows it does
not grow with the data. Then a many-table database (N tables with an index, a constraint and a
comment each): the number of statements each tool sends, at two sizes, and the time ratio.

Usage: python3 scripts/bench/dump.py [--mb 320] [--small-mb 80] [--tables 5000] [--repeats 2]"""
import argparse
import re
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import measure  # noqa: E402
import server  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--mb", type=int, default=320)
ap.add_argument("--small-mb", type=int, default=80)
ap.add_argument("--tables", type=int, default=5000)
ap.add_argument("--repeats", type=int, default=2)
ap.add_argument("--skip-many-tables", action="store_true", help="only the data-volume part")
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = measure.build_pgfunnel(root)


def make_many_tables(srv, db, n):
    srv.tool("createdb", [db])
    for start in range(1, n + 1, 250):  # in batches: one transaction cannot lock thousands of tables
        srv.psql(db, f"""
        DO $$ BEGIN
          FOR i IN {start}..{min(start + 249, n)} LOOP
            EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text CHECK (length(v) < 100))', i);
            EXECUTE format('CREATE INDEX ON t%s (v)', i);
            EXECUTE format('COMMENT ON TABLE t%s IS %L', i, 'table ' || i);
          END LOOP;
        END $$;""")


def count_statements(srv, cmd, app):
    """Runs cmd with statement logging on and counts the statements logged for application `app`:
    (catalog and session statements, COPY statements: one per table's data, unavoidable)."""
    srv.psql("postgres", "ALTER SYSTEM SET log_statement = 'all'")
    srv.psql("postgres", "ALTER SYSTEM SET log_line_prefix = '%a '")
    srv.psql("postgres", "SELECT pg_reload_conf()")
    log = os.path.join(srv.dir, "server.log")
    start = os.path.getsize(log)
    measure.run(cmd, env=dict(srv.env, PGAPPNAME=app))
    srv.psql("postgres", "ALTER SYSTEM RESET log_statement")
    srv.psql("postgres", "SELECT pg_reload_conf()")
    with open(log, errors="replace") as f:
        f.seek(start)
        # A statement spanning lines continues on lines that start with a tab: one entry each.
        entries = []
        for line in f:
            if line.startswith("\t") and entries:
                entries[-1] += line
            else:
                entries.append(line)
    # Simple-protocol statements log as "statement: ...", extended-protocol ones (pgfunnel's
    # pipelined catalog queries) as "execute <name>: ...". A message carrying several COPY
    # statements logs once: its COPYs are counted one by one.
    logged = re.compile(r"LOG:  (statement|execute [^:]*): ")
    statements = [e for e in entries if e.startswith(app + " ") and logged.search(e)]
    copy = re.compile(r"LOG:  (statement|execute [^:]*): COPY ")
    copies = sum(e.count("COPY ") for e in statements if copy.search(e))
    return sum(1 for e in statements if not copy.search(e)), copies


with server.Server(15) as srv:
    pg_dump = server.binary("pg_dump", 15)
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = os.path.join(tmp, "ours.dump"), os.path.join(tmp, "theirs.dump")
        srv.make_mixed_database("bench", args.mb)
        print(f"mixed database: {srv.copy_text_bytes('bench') / 1e6:.0f} MB of COPY text in 4 tables", flush=True)
        pg_dump18 = server.binary("pg_dump", 18)
        tables = int(srv.psql("bench", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        sizes = {}
        # Acceptance (issue 6): ratio at least 1.6 at -Z 6 and 1.3 at -Z 1, sizes within 2 %.
        for label, z, ref in (("-Z 6", "6", pg_dump), ("-Z 1", "1", pg_dump), ("-Z zstd", "zstd", pg_dump18)):
            best = measure.alternate("pg_dump", [ref, "-Fc", "-Z", z, "-f", theirs, srv.conninfo("bench")],
                                     "pgfunnel", [binary, "dump", "-Z", z, "--no-manifest", "-f", ours, "-d", srv.conninfo("bench")],
                                     repeats=args.repeats)
            measure.report(f"dump -Fc {label} (pg_dump {'18' if ref == pg_dump18 else '15'})", "pg_dump", "pgfunnel", best)
            sizes[z] = best["pgfunnel"]
            print(f"archive sizes {label}: pg_dump {os.path.getsize(theirs) / 1e6:.1f} MB, pgfunnel {os.path.getsize(ours) / 1e6:.1f} MB, "
                  f"ratio {os.path.getsize(ours) / os.path.getsize(theirs):.4f}", flush=True)

        # The floor for any dump: the server producing every table's COPY stream, read by one client.
        psql = server.binary("psql", 15)
        copy_cmd = [psql, "-qX", "-d", srv.conninfo("bench")] + sum((["-c", f"\\copy t{t} to '/dev/null'"] for t in range(tables)), [])
        copy_t = min(measure.run(copy_cmd)[0] for _ in range(args.repeats))
        print(f"COPY alone (psql \\copy of {tables} tables to /dev/null): {copy_t:.2f} s; "
              f"pgfunnel -Z zstd / COPY alone = {sizes['zstd'][0] / copy_t:.2f} (acceptance: at most 1.1)", flush=True)

        # One compression thread: what the worker threads buy (the archive is the same bytes).
        one_t, one_rss = measure.run([binary, "dump", "-Z", "6", "--compress-jobs", "1", "--no-manifest", "-f", ours, "-d", srv.conninfo("bench")])
        print(f"pgfunnel -Z 6 --compress-jobs 1: {one_t:.2f} s, peak RSS {one_rss:.1f} MiB "
              f"(default threads: {sizes['6'][0]:.2f} s)", flush=True)

        # Peak RSS must not follow the data: the same dump of a database a quarter the size.
        srv.make_mixed_database("small", args.small_mb)
        print(f"small database: {srv.copy_text_bytes('small') / 1e6:.0f} MB of COPY text", flush=True)
        for z in ("6", "zstd"):
            t, rss = measure.run([binary, "dump", "-Z", z, "--no-manifest", "-f", ours, "-d", srv.conninfo("small")])
            print(f"pgfunnel -Z {z} peak RSS: {rss:.1f} MiB at {args.small_mb} MB, {sizes[z][1]:.1f} MiB at {args.mb} MB", flush=True)

        if args.skip_many_tables:
            sys.exit(0)
        for n in (args.tables // 10, args.tables):
            db = f"many{n}"
            make_many_tables(srv, db, n)
            q_ours = count_statements(srv, [binary, "dump", "--no-manifest", "-f", ours, "-d", srv.conninfo(db)], "pgfunnelbench")
            q_theirs = count_statements(srv, [pg_dump, "-Fc", "-f", theirs, srv.conninfo(db)], "pgdumpbench")
            print(f"{n} tables: statements other than COPY: pgfunnel {q_ours[0]}, pg_dump {q_theirs[0]}; "
                  f"COPY statements: pgfunnel {q_ours[1]}, pg_dump {q_theirs[1]}", flush=True)
        best = measure.alternate("pg_dump", [pg_dump, "-Fc", "-f", theirs, srv.conninfo(f"many{args.tables}")],
                                 "pgfunnel", [binary, "dump", "--no-manifest", "-f", ours, "-d", srv.conninfo(f"many{args.tables}")],
                                 repeats=args.repeats)
        measure.report(f"dump of {args.tables} tables", "pg_dump", "pgfunnel", best)
