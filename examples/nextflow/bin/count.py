#!/usr/bin/env python3
"""A long computation that checkpoints itself (crflow engine 'signal').

Counts from where its state file says to --to, one step every --step seconds. It keeps its progress in
--state (rewritten atomically every --save-every seconds, so crflow's periodic checkpoints copy a consistent
file) and, on SIGUSR1 (crflow forwards Slurm's warning signal), saves once more and exits 75 ("try again
later"). A restarted run picks up where the state file says. Every start is logged to --log, which is how
the tests see that no work was done twice.
"""
import argparse, json, os, signal, socket, sys, time

p = argparse.ArgumentParser()
p.add_argument('--to', type=int, required=True)
p.add_argument('--step', type=float, default=0.5)
p.add_argument('--state', default='count.state')
p.add_argument('--save-every', type=float, default=2.0)
p.add_argument('--out', default='count.txt')
p.add_argument('--log', default='count.log')
a = p.parse_args()

def save(i):
    tmp = a.state + '.tmp'
    with open(tmp, 'w') as f:
        json.dump({'i': i}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, a.state)

i = 0
if os.path.exists(a.state):
    with open(a.state) as f:
        i = json.load(f)['i']
with open(a.log, 'a') as f:
    f.write('start i=%d host=%s job=%s restart=%s\n' % (i, socket.gethostname(), os.environ.get('SLURM_JOB_ID', '-'),
                                                        os.environ.get('SLURM_RESTART_COUNT', '0')))
print('count: starting at %d of %d' % (i, a.to), flush=True)

stop = False
def on_signal(signum, frame):
    global stop
    stop = True
signal.signal(signal.SIGUSR1, on_signal)

# Fault injection for the tests: fail once (exit 3) on reaching COUNT_FAIL_ONCE_AT; COUNT_FAIL_MARKER remembers it.
fail_at = int(os.environ.get('COUNT_FAIL_ONCE_AT', '0') or 0)
fail_marker = os.environ.get('COUNT_FAIL_MARKER', '')

last_save = time.time()
while i < a.to and not stop:
    time.sleep(a.step)
    i += 1
    if fail_at and i == fail_at and fail_marker and not os.path.exists(fail_marker):
        open(fail_marker, 'w').close()
        print('count: failing on purpose at %d' % i, flush=True)
        sys.exit(3)
    if time.time() - last_save >= a.save_every:
        save(i)
        last_save = time.time()

save(i)
if stop and i < a.to:
    print('count: checkpointed at %d' % i, flush=True)
    with open(a.log, 'a') as f:
        f.write('checkpoint i=%d\n' % i)
    sys.exit(75)

with open(a.out, 'w') as f:
    f.write('%d\n' % i)
print('count: done at %d' % i, flush=True)
