#!/usr/bin/env bash
# The project's test command: builds pgfunnel and runs every test target.
# Integration tests start their own throwaway PostgreSQL servers (15 to 18) and compare pgfunnel
# with the real pg_restore / pg_dump installed by scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test 2>&1 | tee .build/test-output.txt
