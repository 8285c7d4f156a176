#!/usr/bin/env bash
# Reproduce BENCHMARKS.md: one full `tf1-lstm bench --examples` run (about 25 minutes on 2
# cores: five models, latency and one-core rows, PyTorch at each thread count, the goals
# block, then each legacy example under run and run --fast; a line on stderr as each job ends).
# Writes benchmarks/results/bench-<UTC date>.txt (the table) and .json (every timed block).
# Run it on a quiet machine: each path runs alone, but other processes still steal cores;
# the table's last line says how much of the cores' time they took.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
if [ ! -x "$bin/tf1-lstm" ]; then
    echo "benchmarks/run.sh: no $bin/tf1-lstm; run 'make env' first" >&2
    exit 1
fi
stamp=$(date -u +%Y%m%d-%H%M)
mkdir -p benchmarks/results
"$bin/tf1-lstm" bench --examples --save "benchmarks/results/bench-$stamp.json" "$@" \
    | tee "benchmarks/results/bench-$stamp.txt"
echo "benchmarks/run.sh: wrote benchmarks/results/bench-$stamp.txt and .json" >&2
