#!/usr/bin/env python3
"""The seeds' count-signal.py (CECI checkpointing training, 2024), adapted for crflow.

As in the seeds, the application checkpoints itself: when it receives SIGINT it stops counting,
writes the next number to 'state' and exits 1. crflow's coordinator forwards SIGINT to it when
Slurm (or the local executor's simulated walltime) sends the warning signal, then keeps 'state' and
'count.out' as an image generation, requeues, and restores both before the next attempt.

Changes from the seeds: the numbers also go to count.out (restored together with 'state', so each
number appears exactly once even when an attempt is lost); 'state' is written atomically; the end
and the pace come from COUNT_STOP (default 100) and COUNT_DELAY (seconds, default 0.5).
"""
import os
import signal
import sys
import time

stop = int(os.environ.get("COUNT_STOP", "100"))
delay = float(os.environ.get("COUNT_DELAY", "0.5"))

interrupted = False


def signal_handler(signum, frame):
    global interrupted
    interrupted = True


signal.signal(signal.SIGINT, signal_handler)

try:
    with open("state") as f:
        start = int(f.read())
except (OSError, ValueError):
    start = 1

i = start
with open("count.out", "a") as out:
    while i <= stop:
        if interrupted:
            break
        print(i, flush=True)
        out.write(f"{i}\n")
        out.flush()
        os.fsync(out.fileno())
        i += 1
        time.sleep(delay)

with open("state.tmp", "w") as f:
    f.write(str(i))
    f.flush()
    os.fsync(f.fileno())
os.replace("state.tmp", "state")

if interrupted:
    print(f"interrupted: next number {i} saved in 'state'", flush=True)
    sys.exit(1)
print(f"counted to {stop}", flush=True)
