"""A throwaway PostgreSQL server for benchmarks (the same recipe as scripts/pg-server.sh)."""
import os
import random
import shutil
import subprocess
import tempfile

PG_ROOT = os.environ.get("PGFUNNEL_PG_ROOT", "/opt/pgfunnel-pg")
SCRIPTS = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def binary(name, major):
    return os.path.join(PG_ROOT, str(major), "bin", name)


class Server:
    def __init__(self, major):
        self.major = major
        self.dir = tempfile.mkdtemp(prefix=f"pgfunnel-bench-{major}-")
        self.port = random.randint(20000, 29999)

    def __enter__(self):
        subprocess.run(["bash", os.path.join(SCRIPTS, "pg-server.sh"), "start", str(self.major), self.dir, str(self.port)],
                       check=True, stdout=subprocess.DEVNULL)
        self.env = dict(os.environ, PGHOST=self.dir, PGPORT=str(self.port), PGUSER="postgres")
        return self

    def __exit__(self, *exc):
        subprocess.run(["bash", os.path.join(SCRIPTS, "pg-server.sh"), "stop", str(self.major), self.dir])
        shutil.rmtree(self.dir, ignore_errors=True)

    def conninfo(self, db):
        return f"host={self.dir} port={self.port} user=postgres dbname={db}"

    def tool(self, name, args, **kw):
        return subprocess.run([binary(name, self.major)] + args, env=self.env, check=True, **kw)

    def psql(self, db, sql):
        return self.tool("psql", ["-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql, db], stdout=subprocess.PIPE).stdout.decode()

    def make_mixed_database(self, db, megabytes, tables=4):
        """Tables of mixed text, numbers, json and bytea adding up to about `megabytes` of COPY text."""
        self.tool("createdb", [db])
        # Each row is about 357 bytes of COPY text (measured: 615,384 rows made 219.7 MB);
        # copy_text_bytes() tells what a database really holds.
        rows = megabytes * 1_000_000 // 355 // tables
        for t in range(tables):
            self.psql(db, f"""
                CREATE TABLE t{t} (id bigint PRIMARY KEY, name text, amount numeric(12,2), doc jsonb,
                                   blob bytea, created timestamptz, note text);
                INSERT INTO t{t}
                SELECT g, 'name-' || g || '-' || md5(g::text), (g % 100000) / 7.0,
                       jsonb_build_object('k', g, 'v', md5((g * 3)::text), 'tags', jsonb_build_array(g % 7, g % 11)),
                       decode(md5((g * 5)::text) || md5((g * 7)::text), 'hex'),
                       timestamptz '2024-01-01' + (g || ' seconds')::interval,
                       repeat(substr(md5((g * 11)::text), 1, 16) || ' ', 8)
                FROM generate_series(1, {rows}) g;""")

    def copy_text_bytes(self, db):
        """Bytes of `COPY ... TO STDOUT` text of every table in schema public, counted by
        reading it all through psql."""
        tables = self.psql(db, "SELECT string_agg(quote_ident(tablename), ' ') FROM pg_tables WHERE schemaname = 'public'").split()
        total = 0
        for t in tables:
            proc = subprocess.Popen([binary("psql", self.major), "-qX", "-c", f"\\copy {t} to stdout", db],
                                    env=self.env, stdout=subprocess.PIPE)
            while True:
                chunk = proc.stdout.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
            if proc.wait() != 0:
                raise RuntimeError(f"psql \\copy {t} failed")
        return total
