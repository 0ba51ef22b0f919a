#!/usr/bin/env python3
# A small checkpointable application with a visible footprint, for the report's real-run test: counts
# 1..STOP into out.txt, spending STEP seconds of busy CPU per number and keeping 1 MB per number in memory
# (so RSS climbs and CPU sits near one core); saves the next number to 'state' (tmp + rename) after each
# number; on SIGUSR1 (the signal engine's forwarded signal) it saves and exits 1, as the seeds'
# count-signal.py does.
import os, signal, sys, time

stop = int(sys.argv[1]) if len(sys.argv) > 1 else 60
step = float(sys.argv[2]) if len(sys.argv) > 2 else 0.4
interrupted = False


def handler(signum, frame):
    global interrupted
    interrupted = True


signal.signal(signal.SIGUSR1, handler)


def save(n):
    with open("state.tmp", "w") as f:
        f.write(str(n))
        f.flush()
        os.fsync(f.fileno())
    os.replace("state.tmp", "state")


try:
    start = int(open("state").read())
except Exception:
    start = 1

ballast = []
i = start
with open("out.txt", "a") as out:
    while i <= stop and not interrupted:
        deadline = time.monotonic() + step
        x = 0
        while time.monotonic() < deadline:
            x += 1
        ballast.append(bytearray(b"x" * 1_000_000))
        out.write(f"{i}\n")
        out.flush()
        i += 1
        save(i)
save(i)
sys.exit(1 if interrupted else 0)
