#!/usr/bin/env python3
# The seeds' count-signal.py, made testable: counts start..STOP into out.txt (one number per line,
# fsync'd), saves the next number to 'state' (tmp + rename) and exits 1 when it gets SIGUSR1 (or the
# signal named in $COUNT_SIGNAL); exits 0 when it has counted to STOP.
import os, signal, sys, time

stop = int(sys.argv[1]) if len(sys.argv) > 1 else 100
delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
interrupted = False

def handler(signum, frame):
    global interrupted
    interrupted = True

signal.signal(getattr(signal, "SIG" + os.environ.get("COUNT_SIGNAL", "USR1")), handler)

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

with open("pid", "w") as f:
    f.write(str(os.getpid()))

i = start
with open("out.txt", "a") as out:
    while i <= stop:
        if interrupted:
            break
        out.write(f"{i}\n")
        out.flush()
        os.fsync(out.fileno())
        i += 1
        if os.environ.get("COUNT_SAVE_EVERY"):
            save(i)
        time.sleep(delay)
save(i)
sys.exit(1 if interrupted else int(os.environ.get("COUNT_EXIT", "0")))
