#!/bin/bash
# A computation that knows nothing about checkpoints (for DMTCP): counts 1..STOP into out.txt.
stop=${1:-100}; delay=${2:-0.05}
i=0
while [ "$i" -lt "$stop" ]; do
  i=$((i + 1))
  printf '%s\n' "$i" >> out.txt
  sleep "$delay"
done
