"""A TF 1.x script of the NumPy 1 years: np.float, np.asscalar, np.NaN, ... and tf.app.flags
named like absl's own (--log_dir, --logtostderr, -v, --verbosity), run through tf.app.run().
Prints its flags, its leftover argv and its NumPy 1 results as JSON; main returns 3.
"""
import json

import numpy as np
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_string("log_dir", "/tmp/tf1_logs", "where the script writes its logs")
flags.DEFINE_boolean("logtostderr", False, "the script's own switch")
flags.DEFINE_integer("v", 0, "the script's verbosity level")
flags.DEFINE_string("verbosity", "quiet", "the script's verbosity word")
flags.DEFINE_integer("batch_size", 8, "an ordinary flag")
FLAGS = flags.FLAGS


def numpy1_results():
    a = np.array([[1.5, -2.5], [3.0, 4.0]])
    return {
        "builtin_aliases": [np.float is float, np.int is int, np.object is object,
                            np.str is str, np.unicode is str, np.complex is complex],
        "float_of_3": np.float(3), "int_of_2.7": np.int(2.7), "complex": [np.complex(1, 2).imag],
        "zeros_dtype": (np.zeros(2, dtype=np.int).dtype.kind
                        + np.zeros(2, dtype=np.float).dtype.kind),
        "constants": [np.Inf == np.inf, np.PINF == np.inf, np.NINF == -np.inf,
                      bool(np.isnan(np.NaN))],
        "asscalar": np.asscalar(np.array([7])),
        "alltrue": bool(np.alltrue(a > 0)), "sometrue": bool(np.sometrue(a > 0)),
        "product": float(np.product(a)), "cumproduct": np.cumproduct(a).tolist(),
        "round_": np.round_(a / 3, 2).tolist(), "float_": np.float_(1.5).dtype.name,
    }


def main(argv):
    results = [numpy1_results() for _ in range(2)]  # every name used twice: one note each
    print(json.dumps({
        "flags": {"log_dir": FLAGS.log_dir, "logtostderr": FLAGS.logtostderr, "v": FLAGS.v,
                  "verbosity": FLAGS.verbosity, "batch_size": FLAGS.batch_size},
        "argv": argv[1:], "numpy": results[1], "same_twice": results[0] == results[1]}))
    return 3


if __name__ == "__main__":
    tf.app.run()
