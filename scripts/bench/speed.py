"""Issue 6 in one run: the dump, restore and import benchmarks one after the other (each builds
its own data, runs pgfunnel and the real tool alternately and prints ratios and peak RSS), then
a summary of every ratio and peak RSS line they printed.

Run it on an otherwise idle machine; it takes about 15 minutes on 2 cores (20 with --repeats 5).

Usage: python3 scripts/bench/speed.py [--repeats 3] [--quick]   (--quick: smaller data, for a smoke run)"""
import argparse
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--quick", action="store_true")
args = ap.parse_args()

size = ["--mb", "40", "--small-mb", "10"] if args.quick else []
runs = [
    ("dump", ["dump.py", "--repeats", str(args.repeats)] + size + (["--tables", "500"] if args.quick else [])),
    ("restore -d", ["restore_database.py", "--repeats", str(args.repeats)] + size),
    ("import-gpbackup", ["import_gpbackup.py", "--repeats", str(max(2, args.repeats - 1))] + size),
]
summary = []
for title, cmd in runs:
    print(f"=== {title}: {' '.join(cmd)}", flush=True)
    proc = subprocess.Popen([sys.executable, os.path.join(here, cmd[0])] + cmd[1:], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        entry = f"[{title}] {line.strip()}"
        # A script's own closing summary repeats its lines: keep each once.
        if re.search(r"ratio|peak RSS:|statements other than COPY|COPY alone|throughput", line) \
                and not line.startswith("  run ") and entry not in summary:
            summary.append(entry)
    if proc.wait() != 0:
        sys.exit(f"{cmd[0]} failed")
print("\n=== summary")
for line in summary:
    print(line)
