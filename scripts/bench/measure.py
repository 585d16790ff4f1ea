"""Shared helpers for pgfunnel's benchmarks: run commands alternately, measure wall time and the
peak RSS of each child process (from wait4's rusage), and print ratios.

Timings are printed, never asserted: the benchmarks inform, the tests decide."""
import os
import subprocess
import sys
import time


def build_pgfunnel(root):
    """Builds pgfunnel as it ships (scripts/build-release.sh) and returns the binary's path."""
    out = subprocess.run(["bash", os.path.join(root, "scripts", "build-release.sh")], check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def run(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (seconds, peak RSS in MiB). Fails loudly on a non-zero exit."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"benchmark command failed ({code}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024.0


def alternate(label_a, cmd_a, label_b, cmd_b, repeats=3, env=None, before_each=None):
    """Runs a and b alternately `repeats` times; returns the best times and peak RSS of each."""
    best = {label_a: (float("inf"), 0.0), label_b: (float("inf"), 0.0)}
    for i in range(repeats):
        for label, cmd in ((label_a, cmd_a), (label_b, cmd_b)):
            if before_each:
                before_each(label)
            t, rss = run(cmd, env=env)
            print(f"  run {i + 1} {label}: {t:.2f} s, peak RSS {rss:.1f} MiB", flush=True)
            bt, brss = best[label]
            best[label] = (min(bt, t), max(brss, rss))
    return best


def report(title, reference_label, ours_label, best):
    ref_t, ref_rss = best[reference_label]
    our_t, our_rss = best[ours_label]
    print(f"{title}: {reference_label} {ref_t:.2f} s / {ours_label} {our_t:.2f} s "
          f"= ratio {ref_t / our_t:.2f} (above 1 means pgfunnel is faster); "
          f"peak RSS {reference_label} {ref_rss:.1f} MiB, {ours_label} {our_rss:.1f} MiB", flush=True)
