"""Where one training step's time goes: TF's own trace of every op, summed by op type.

    .venv/bin/python benchmarks/profile_step.py --path static_rnn          # document 002
    .venv/bin/python benchmarks/profile_step.py --path fast --model 001 --inter 2
    .venv/bin/python benchmarks/profile_step.py --path gru_fast --model gru   # any model's path

Builds the bench's graph for the path (tf1_lstm.bench.tf1_graphs), warms it up, traces
``--runs`` steps with ``RunOptions(trace_level=FULL_TRACE)`` and prints, per op type (as the
executor ran it: Grappler's fused ``_MklNativeFusedMatMul`` etc.), how many ops ran per step
(an op inside a while loop once per iteration) and their time, the median over the runs.
The sum of op times against the traced step's wall time shows how much ran in parallel;
tracing slows the step down, so compare op types, not absolute times, with the bench.
A profile, not a benchmark: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import collections
import statistics

import tf1_lstm.compat  # noqa: F401 - the TF1 world first
from tf1_lstm.bench import tf1_graphs
from tf1_lstm.bench.jobs import MODELS, PATHS
from tf1_lstm.compat import tf


def profile(path: str, model: str, intra: int, inter: int, runs: int) -> str:
    spec = MODELS[model]
    if path not in spec.paths:
        tf1 = [name for name in spec.paths if PATHS[name].world == "tf1"]
        raise SystemExit(f"profile_step.py: the {model} model has no path {path!r}; its TF1 "
                         f"paths: {', '.join(tf1)}")
    bench = tf1_graphs.build(path, spec)
    config = tf.ConfigProto(intra_op_parallelism_threads=intra,
                            inter_op_parallelism_threads=inter)
    per_op: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)  # (runs, us)
    op_type: dict[str, str] = {}
    walls = []
    with tf.Session(graph=bench.graph, config=config) as sess:
        sess.run(bench.init)
        feed = tf1_graphs.feed(bench, spec, spec.batch)
        for _ in range(10):
            sess.run(bench.train_op, feed)
        for _ in range(runs):
            metadata = tf.RunMetadata()
            sess.run(bench.train_op, feed, run_metadata=metadata,
                     options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
            nodes = [n for device in metadata.step_stats.dev_stats for n in device.node_stats]
            this_run: dict[str, list[int]] = collections.defaultdict(list)
            for node in nodes:  # a node inside a while loop runs once per iteration
                this_run[node.node_name].append(node.all_end_rel_micros)
                # timeline_label: "name = OpType(inputs)", the kernel that really ran
                label = node.timeline_label
                op_type[node.node_name] = (label.split("= ", 1)[1].split("(", 1)[0]
                                           if "= " in label else node.node_name)
            for name, micros in this_run.items():
                per_op[name].append((len(micros), sum(micros)))
            walls.append(max(n.all_start_micros + n.all_end_rel_micros for n in nodes)
                         - min(n.all_start_micros for n in nodes))
    by_type: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    for name, samples in per_op.items():
        by_type[op_type[name]][0] += max(count for count, _ in samples)
        by_type[op_type[name]][1] += statistics.median(us for _, us in samples)
    total = sum(us for _, us in by_type.values())
    executed = sum(count for count, _ in by_type.values())
    lines = [f"{PATHS[path].label}, {spec.short} training step, intra_op {intra}, "
             f"inter_op {inter}: {executed} ops run per step, op times sum to "
             f"{total / 1e3:.1f} ms, traced step {statistics.median(walls) / 1e3:.1f} ms",
             f"  {'op type':<32} {'runs':>5} {'ms':>8} {'us/op':>8} {'share':>6}"]
    for name, (count, micros) in sorted(by_type.items(), key=lambda kv: -kv[1][1])[:18]:
        lines.append(f"  {name:<32} {count:>5} {micros / 1e3:>8.2f} {micros / count:>8.1f}"
                     f" {micros / total:>6.0%}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="static_rnn",
                        choices=[p.name for p in PATHS.values() if p.world == "tf1"])
    parser.add_argument("--model", default="002", choices=list(MODELS))
    parser.add_argument("--intra", type=int, default=1, help="intra_op threads (default 1)")
    parser.add_argument("--inter", type=int, default=1, help="inter_op threads (default 1)")
    parser.add_argument("--runs", type=int, default=10, help="traced steps (default 10)")
    args = parser.parse_args()
    print(profile(args.path, args.model, args.intra, args.inter, args.runs))


if __name__ == "__main__":
    main()
