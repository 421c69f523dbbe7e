"""Ctrl-C for the CLI (issue 17): SIGINT / SIGTERM during a long run stops it promptly, with exit
status 130 / 143, one line on stderr, and no output file (not even the temporary one).

Usage: cli_cancel_test.py GRAPHCLUST_BINARY WORK_DIR
"""
import os
import random
import signal
import subprocess
import sys
import time

cli, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


def write_graph(path, n, directed):
    # Two planted groups; in the directed graph most arcs between them point one way (DIGRAC's signal).
    rng = random.Random(5)
    lines = ["# directed: true\n"] if directed else []
    for u in range(n):
        for _ in range(5):
            v = rng.randrange(n)
            if v == u:
                continue
            if (u < n // 2) != (v < n // 2) and rng.random() < 0.7:
                continue  # fewer edges between the groups
            if directed and (u < n // 2) != (v < n // 2) and u >= n // 2 and rng.random() < 0.8:
                u, v = v, u
            lines.append(f"{u} {v}\n")
    with open(path, "w") as f:
        f.writelines(lines)


undirected = os.path.join(work, "undirected.txt")
directed = os.path.join(work, "directed.txt")
write_graph(undirected, 20000, False)
write_graph(directed, 20000, True)

failures = []


def check(name, args, sig, expected_code, delay=1.0):
    out = os.path.join(work, name + ".clusters")
    for f in os.listdir(work):
        if f.startswith(name + ".clusters"):
            os.remove(os.path.join(work, f))
    proc = subprocess.Popen([cli] + args + ["-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    if proc.poll() is not None:
        failures.append(f"{name}: finished (exit {proc.returncode}) before the signal; make the run longer")
        return
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        stdout, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        failures.append(f"{name}: still running 30 s after the signal")
        return
    took = time.monotonic() - sent
    stderr = stderr.decode(errors="replace")
    leftovers = [f for f in os.listdir(work) if f.startswith(name + ".clusters")]
    sig_name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
    if proc.returncode != expected_code:
        failures.append(f"{name}: exit {proc.returncode}, expected {expected_code}\nstderr:\n{stderr}")
    if took > 5.0:
        failures.append(f"{name}: took {took:.1f} s to stop after {sig_name} (limit 5 s)")
    if leftovers:
        failures.append(f"{name}: left {leftovers} behind")
    if f"interrupted by {sig_name}" not in stderr:
        failures.append(f"{name}: no 'interrupted by {sig_name}' line on stderr:\n{stderr}")
    print(f"{name}: exit {proc.returncode} {took:.2f} s after {sig_name}")


# An iteration cap that is never reached: only the signal can end these runs.
check("tv_direct", ["cluster", undirected, "--method", "tv_direct", "--iterations", "100000000", "--tolerance", "0"],
      signal.SIGINT, 130)
check("digrac_quiet", ["--quiet", "cluster", directed, "--method", "digrac", "--max-epochs", "100000000"],
      signal.SIGTERM, 143)
check("pamc_quiet", ["--quiet", "cluster", undirected, "--method", "pamc", "--max-epochs", "100000000",
                     "--hidden", "64,64"], signal.SIGINT, 130, delay=1.5)
check("spectral", ["cluster", undirected, "--method", "spectral", "-k", "3", "--n-init", "100000000"],
      signal.SIGINT, 130)

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("CLI cancellation checks passed")
