#!/bin/sh
# Assembles every .ptx under $1 with ptxas for the chip its .target names;
# prints how many it accepted, or "skipped: no ptxas". Fails on the first
# file ptxas rejects, with ptxas's message.
ptxas=$(command -v ptxas || true)
[ -z "$ptxas" ] && [ -x /usr/local/cuda/bin/ptxas ] && ptxas=/usr/local/cuda/bin/ptxas
if [ -z "$ptxas" ]; then echo "skipped: no ptxas"; exit 0; fi
count=0
for f in $(find "$1" -name '*.ptx' | sort); do
  chip=$(sed -n 's/^\.target \(sm_[0-9a-z]*\).*/\1/p' "$f" | head -1)
  if ! "$ptxas" -arch="$chip" "$f" -o /dev/null; then
    echo "ptxas rejected $f" >&2
    exit 1
  fi
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "no PTX files under $1" >&2; exit 1; }
echo "ptxas accepted $count PTX files"
