#!/usr/bin/env python3
"""A checkpointable application that appends its results to the rule's declared output.

It writes one line per item to OUT. When it receives the checkpoint signal (SIGUSR1 by default, forwarded
by crflow's coordinator shortly before the walltime), it finishes the current item, records the next item
in STATE (written to a temp file and renamed, so it is never half-written), and exits with status 85.
crflow then saves STATE and OUT together as one generation, requeues the job and, in the next attempt,
puts both back before this program starts again: it continues where it stopped, so OUT ends complete and
without duplicates.

On start it checks that OUT and STATE agree (OUT holds exactly the items STATE says are done); if they do
not (a fresh start after an earlier, unrelated run), it starts from zero.
"""
import argparse
import os
import signal
import sys
import time

stop_requested = False


def request_stop(signum, _frame):
    global stop_requested
    stop_requested = True
    print("count_app: got signal %d, stopping after the current item" % signum, file=sys.stderr, flush=True)


def read_state(state):
    try:
        with open(state, encoding="utf-8") as f:
            return int(f.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def write_state(state, value):
    tmp = state + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % value)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, state)


def lines_in(path):
    try:
        with open(path, encoding="utf-8") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, required=True, help="items to compute")
    p.add_argument("--step", type=float, default=1.0, help="seconds per item")
    p.add_argument("--out", required=True, help="the rule's declared output (appended to)")
    p.add_argument("--state", required=True, help="the application's own checkpoint file")
    p.add_argument("--signal", default="USR1", help="the checkpoint signal")
    a = p.parse_args()
    signal.signal(getattr(signal, "SIG" + a.signal), request_stop)

    start = read_state(a.state)
    if start and lines_in(a.out) != start:
        print("count_app: %s does not match %s; starting from zero" % (a.state, a.out), file=sys.stderr)
        start = 0
    if start == 0:
        open(a.out, "w").close()
    print("count_app: starting at item %d of %d" % (start, a.n), file=sys.stderr, flush=True)
    i = start
    with open(a.out, "a", encoding="utf-8") as out:
        while i < a.n and not stop_requested:
            time.sleep(a.step)                  # the "work" of one item
            out.write("item %d\n" % i)
            out.flush()
            os.fsync(out.fileno())
            i += 1
            write_state(a.state, i)
    if i < a.n:
        print("count_app: checkpointed at item %d" % i, file=sys.stderr, flush=True)
        sys.exit(85)
    print("count_app: done, %d items" % a.n, file=sys.stderr)


if __name__ == "__main__":
    main()
