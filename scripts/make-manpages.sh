#!/usr/bin/env bash
# Regenerates docs/man/*.1 from the command-line definitions (swift-argument-parser's
# generate-manual plugin): one page for pgfunnel and one per subcommand. ManualTests checks that
# every option the binary accepts appears in its page, so a stale page fails the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package --allow-writing-to-package-directory generate-manual --configuration debug --multi-page \
    --section 1 --authors "pgfunnel developers"
mkdir -p docs/man
cp .build/plugins/GenerateManual/outputs/pgfunnel/*.1 docs/man/
rm -f docs/man/pgfunnel.help.1
ls docs/man
