"""import-gpbackup benchmark: generate a gpbackup-layout set (4 segments, one gzip'd CSV file per
table per segment, config.yaml / toc.yaml / metadata.sql as gpbackup 1.30 writes them), then time
`pgfunnel import-gpbackup` against the floor of merely decompressing the same files (`zcat` each
to /dev/null), run alternately. Prints throughput in MB/s of uncompressed row data and peak RSS.

The full size (--mb 320) is slow on 2 cores: run it once; use e.g. --mb 8 for a smoke run.

Usage: python3 scripts/bench/import_gpbackup.py [--mb 320] [--repeats 2] [--keep DIR]"""
import argparse
import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import measure  # noqa: E402

SEGMENTS = 4
TABLES = 4
TIMESTAMP = "20260101120000"
BLOCK_BYTES = 1 << 20  # rows are generated in ~1 MB blocks, each block distinct


def csv_field(value):
    """gpbackup's COPY ... WITH CSV DELIMITER ',': NULL is an empty unquoted field; a field with
    the delimiter, a quote, a newline or nothing in it is quoted, quotes doubled."""
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


WORDS = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "théta", "iota", "kappa", "lambda", "mu"]


def make_block(rng, first_id, target):
    """About `target` bytes of CSV rows for (id bigint, name text, amount numeric, created timestamp,
    note text): plain words, NULLs, empty strings, embedded commas, quotes and newlines."""
    lines = []
    size = 0
    row_id = first_id
    while size < target:
        kind = rng.random()
        if kind < 0.1:
            note = None
        elif kind < 0.15:
            note = ""
        elif kind < 0.25:
            note = f'he said "{rng.choice(WORDS)}", then left'
        elif kind < 0.3:
            note = f"line one\nline {rng.randint(2, 99)}"
        else:
            note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
        fields = [str(row_id), rng.choice(WORDS) + str(rng.randint(0, 9999)), f"{rng.randint(0, 10**7)}.{rng.randint(0, 99):02d}",
                  f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
                  note]
        line = ",".join(csv_field(f) for f in fields) + "\n"
        lines.append(line)
        size += len(line.encode())
        row_id += 1
    data = "".join(lines).encode()
    return data, len(lines)


def generate(root, megabytes):
    """Writes the set below root; returns (uncompressed CSV bytes, data file paths)."""
    rng = random.Random(42)
    date = TIMESTAMP[:8]
    coordinator = os.path.join(root, "demoDataDir-1", "backups", date, TIMESTAMP)
    os.makedirs(coordinator)
    seg_dirs = []
    for content in range(SEGMENTS):
        d = os.path.join(root, f"demoDataDir{content}", "backups", date, TIMESTAMP)
        os.makedirs(d)
        seg_dirs.append(d)

    # metadata.sql and its toc ranges, built together so the byte offsets are exact.
    metadata = bytearray()
    entries = {"global": [], "predata": []}

    def add(section, schema, name, objtype, sql):
        start = len(metadata)
        metadata.extend(sql.encode())
        entries[section].append((schema, name, objtype, start, len(metadata)))

    add("global", "", "", "SESSION GUCS", "\nSET client_encoding = 'UTF8';\n")
    add("predata", "bench", "bench", "SCHEMA", "\n\nCREATE SCHEMA bench;\n")
    tables = []
    for t in range(TABLES):
        name = f"t{t}"
        oid = 16400 + 3 * t
        add("predata", "bench", name, "TABLE",
            f"\n\nCREATE TABLE bench.{name} (\n\tid bigint,\n\tname text,\n\tamount numeric(12,2),\n\tcreated timestamp without time zone,\n\tnote text\n) DISTRIBUTED BY (id);\n")
        tables.append((name, oid))

    per_file = max(1, megabytes * 1_000_000 // (SEGMENTS * TABLES))
    total_bytes = 0
    files = []
    rows_by_table = {}
    next_id = 1
    for name, oid in tables:
        rows_by_table[name] = 0
        for content in range(SEGMENTS):
            path = os.path.join(seg_dirs[content], f"gpbackup_{content}_{TIMESTAMP}_{oid}.gz")
            written = 0
            # gpbackup compresses with gzip level 1 by default.
            with gzip.open(path, "wb", compresslevel=1) as out:
                while written < per_file:
                    block, rows = make_block(rng, next_id, min(BLOCK_BYTES, per_file - written))
                    next_id += rows
                    out.write(block)
                    written += len(block)
                    rows_by_table[name] += rows
            total_bytes += written
            files.append(path)

    with open(os.path.join(coordinator, f"gpbackup_{TIMESTAMP}_metadata.sql"), "wb") as f:
        f.write(metadata)
    with open(os.path.join(coordinator, f"gpbackup_{TIMESTAMP}_config.yaml"), "w") as f:
        f.write(f"""backupdir: {root}
backupversion: 1.30.0
compressed: true
compressiontype: gzip
databasename: bench
databaseversion: 6.26.0 build commit:bench
segmentcount: {SEGMENTS}
dataonly: false
datedeleted: ""
excluderelations: []
excludeschemafiltered: false
excludeschemas: []
excludetablefiltered: false
includerelations: []
includeschemafiltered: false
includeschemas: []
includetablefiltered: false
incremental: false
leafpartitiondata: false
metadataonly: false
plugin: ""
pluginversion: ""
restoreplan:
- timestamp: "{TIMESTAMP}"
  tablefqns:
""" + "".join(f"  - bench.{n}\n" for n, _ in tables) + f"""singledatafile: false
timestamp: "{TIMESTAMP}"
endtime: "{TIMESTAMP}"
withoutglobals: false
withstatistics: false
status: Success
""")
    with open(os.path.join(coordinator, f"gpbackup_{TIMESTAMP}_toc.yaml"), "w") as f:
        def section(key, items):
            f.write(f"{key}:\n")
            for schema, name, objtype, start, end in items:
                f.write(f'- schema: {schema or chr(34) * 2}\n  name: {name or chr(34) * 2}\n  objecttype: {objtype}\n'
                        f'  referenceobject: ""\n  startbyte: {start}\n  endbyte: {end}\n')
        section("globalentries", entries["global"])
        section("predataentries", entries["predata"])
        f.write("postdataentries: []\nstatisticsentries: []\ndataentries:\n")
        for name, oid in tables:
            f.write(f"- schema: bench\n  name: {name}\n  oid: {oid}\n  attributestring: (id,name,amount,created,note)\n"
                    f"  rowscopied: {rows_by_table[name]}\n  partitionroot: \"\"\n  isreplicated: false\n")
        f.write("incrementalmetadata:\n  ao: {}\n")
    with open(os.path.join(coordinator, f"gpbackup_{TIMESTAMP}_report"), "w") as f:
        f.write("Backup Status: Success\n")
    return total_bytes, files, sum(rows_by_table.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=320, help="megabytes of uncompressed CSV row data to generate")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--keep", help="generate the set into this directory and keep it")
    ap.add_argument("--baseline", help="another pgfunnel binary (e.g. an earlier build) to time against at -Z none")
    ap.add_argument("--only-none", action="store_true", help="skip the -Z gzip run (its time is the compressor's)")
    ap.add_argument("--small-mb", type=int, default=80, help="second, smaller set for the peak RSS comparison (0: skip)")
    args = ap.parse_args()

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    binary = measure.build_pgfunnel(root)

    tmp = tempfile.mkdtemp(prefix="pgfunnel-bench-import-")
    try:
        set_dir = args.keep or os.path.join(tmp, "set")
        raw, files, rows = generate(set_dir, args.mb)
        compressed = sum(os.path.getsize(p) for p in files)
        mb = raw / 1e6
        print(f"set: {len(files)} data files, {rows} rows, {mb:.0f} MB CSV, {compressed / 1e6:.0f} MB gzip'd", flush=True)
        archive = os.path.join(tmp, "bench.dump")

        def remove_archive(_label):
            if os.path.exists(archive):
                os.remove(archive)

        zcat = ["zcat"] + files
        rss_by_label = {}
        runs = (("pgfunnel -Z gzip", []), ("pgfunnel -Z none", ["-Z", "none"]))
        for label, extra in runs[1:] if args.only_none else runs:
            cmd = [binary, "import-gpbackup", "--backup-dir", set_dir, "-f", archive] + extra
            best = measure.alternate("zcat", zcat, label, cmd, repeats=args.repeats, before_each=remove_archive)
            measure.report(f"import-gpbackup ({label})", "zcat", label, best)
            z_t, z_rss = best["zcat"]
            p_t, p_rss = best[label]
            rss_by_label[label.replace("pgfunnel ", "")] = p_rss
            print(f"  throughput of uncompressed row data: zcat floor {mb / z_t:.0f} MB/s, {label} {mb / p_t:.0f} MB/s "
                  f"({p_t / z_t:.1f}x the floor's time); archive {os.path.getsize(archive) / 1e6:.0f} MB; "
                  f"peak RSS {label} {p_rss:.1f} MiB", flush=True)
        if args.small_mb:
            # Peak RSS must not follow the data: the same import of a set a quarter the size.
            small_dir = os.path.join(tmp, "small")
            generate(small_dir, args.small_mb)
            for label, extra in (("-Z gzip", []), ("-Z none", ["-Z", "none"])):
                remove_archive(None)
                big_rss = rss_by_label.get(label)
                _, rss = measure.run([binary, "import-gpbackup", "--backup-dir", small_dir, "-f", archive] + extra)
                print(f"pgfunnel import-gpbackup {label} peak RSS: {rss:.1f} MiB at {args.small_mb} MB"
                      + (f", {big_rss:.1f} MiB at {args.mb} MB" if big_rss else ""), flush=True)
        if args.baseline:
            base = [os.path.abspath(args.baseline), "import-gpbackup", "--backup-dir", set_dir, "-f", archive, "-Z", "none"]
            ours = [binary, "import-gpbackup", "--backup-dir", set_dir, "-f", archive, "-Z", "none"]
            best = measure.alternate("baseline -Z none", base, "pgfunnel -Z none", ours, repeats=args.repeats,
                                     before_each=remove_archive)
            measure.report("import-gpbackup -Z none against the baseline binary", "baseline -Z none", "pgfunnel -Z none", best)
            b_t, b_rss = best["baseline -Z none"]
            p_t, p_rss = best["pgfunnel -Z none"]
            print(f"  throughput: baseline {mb / b_t:.0f} MB/s (peak RSS {b_rss:.1f} MiB), this build {mb / p_t:.0f} MB/s "
                  f"(peak RSS {p_rss:.1f} MiB)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
