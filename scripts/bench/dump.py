"""Issue 3 benchmark: `pg_dump -Fc` vs `pgfunnel dump` on a database of at least 300 MB made in
the same run (alternating runs, same compression level): wall-time ratio, archive size ratio and
both peak RSS figures. Then a many-table database (N tables with an index, a constraint and a
comment each): the number of statements each tool sends, at two sizes, and the time ratio.

Usage: python3 scripts/bench/dump.py [--mb 320] [--tables 5000] [--repeats 2]"""
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
ap.add_argument("--tables", type=int, default=5000)
ap.add_argument("--repeats", type=int, default=2)
args = ap.parse_args()

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
binary = os.path.join(root, ".build", "release", "pgfunnel")
subprocess.run(["swift", "build", "-c", "release", "--product", "pgfunnel"], cwd=root, check=True)


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
        lines = [line for line in f if line.startswith(app + " ") and "statement:" in line]
    copies = sum(1 for line in lines if "statement: COPY " in line)
    return len(lines) - copies, copies


with server.Server(15) as srv:
    pg_dump = server.binary("pg_dump", 15)
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = os.path.join(tmp, "ours.dump"), os.path.join(tmp, "theirs.dump")
        srv.make_mixed_database("bench", args.mb)
        print(f"mixed database: {args.mb} MB of COPY text", flush=True)
        best = measure.alternate("pg_dump", [pg_dump, "-Fc", "-Z", "6", "-f", theirs, srv.conninfo("bench")],
                                 "pgfunnel", [binary, "dump", "-Z", "6", "--no-manifest", "-f", ours, "-d", srv.conninfo("bench")],
                                 repeats=args.repeats)
        measure.report("dump -Fc -Z 6", "pg_dump", "pgfunnel", best)
        print(f"archive sizes: pg_dump {os.path.getsize(theirs) / 1e6:.1f} MB, pgfunnel {os.path.getsize(ours) / 1e6:.1f} MB, "
              f"ratio {os.path.getsize(ours) / os.path.getsize(theirs):.3f}", flush=True)

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
