#!/bin/bash
# count_signal.py's contract in bash, for small test images without python: counts start..STOP into
# out.txt, saves the next number to 'state' (tmp + rename) and exits 1 on SIGUSR1; exits 0 at STOP.
stop=${1:-100}; delay=${2:-0.05}
interrupted=0
trap 'interrupted=1' USR1
save() { printf '%s\n' "$1" > state.tmp && mv -f state.tmp state; }
i=1; [ -s state ] && i=$(cat state)
while [ "$i" -le "$stop" ]; do
  [ "$interrupted" = 1 ] && break
  printf '%s\n' "$i" >> out.txt
  i=$((i + 1))
  [ -n "$COUNT_SAVE_EVERY" ] && save "$i"
  sleep "$delay"
done
save "$i"
[ "$interrupted" = 1 ] && exit 1
exit 0
