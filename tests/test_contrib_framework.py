"""tf.contrib.framework on TF 2.21: TF 1.15's framework tests, ported.

1. ``nest``: TF 1.15's ``tensorflow/python/util/nest_test.py`` cases (flatten/pack,
   is_nested == is_sequence, flatten_up_to, map_structure_up_to).
2. ``arg_scope``: ``contrib/framework/python/ops/arg_scope_test.py``, and an arg_scope of
   ``tf.contrib.framework`` over ``tf.contrib.layers.fully_connected``.
3. Variables: ``contrib/framework/python/ops/variables_test.py`` (local / model variables,
   get_variables_to_restore, global step, filter_variables, assign_from_values,
   assign_from_checkpoint_fn, ZeroInitializerOpTest and ZeroVarInitializerOpTest).
(4 - 5, checkpoints and ``with_shape`` & co., and the rest:
``test_contrib_framework_checkpoints_shapes.py``.)
"""

from __future__ import annotations

import collections
import importlib

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import framework, layers
from tf1_lstm.contrib.framework import nest
from tf1_lstm.contrib.replacements import ContribNameError


@pytest.fixture(autouse=True)
def fresh_graph():
    reset_graph()


def run(*fetches, feed=None, initialize=True):
    with tf.Session() as session:
        if initialize:
            session.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return session.run(fetches, feed)


# --- 1. nest ----------------------------------------------------------------------------------

PointXY = collections.namedtuple("Point", ["x", "y"])
ABTuple = collections.namedtuple("ab_tuple", "a, b")


def test_nest_flattens_and_packs_as_tf115():
    """nest_test.testFlattenAndPack."""
    structure = ((3, 4), 5, (6, 7, (9, 10), 8))
    assert nest.flatten(structure) == [3, 4, 5, 6, 7, 9, 10, 8]
    assert nest.pack_sequence_as(structure, list("abcdefgh")) == (
        ("a", "b"), "c", ("d", "e", ("f", "g"), "h"))
    structure = (PointXY(x=4, y=2), ((PointXY(x=1, y=0),),))
    assert nest.flatten(structure) == [4, 2, 1, 0]
    assert nest.pack_sequence_as(structure, [4, 2, 1, 0]) == structure
    assert nest.flatten(5) == [5]
    # The same errors as TF 1.15's; TF 2.21 words them its own way.
    with pytest.raises(ValueError):
        nest.pack_sequence_as("scalar", [4, 5])
    with pytest.raises(TypeError):
        nest.pack_sequence_as([4, 5], "bad_sequence")


def test_is_sequence_is_tf115s_is_nested():
    """nest_test.testIsNested, through TF 1.15's older name is_sequence."""
    assert nest.is_sequence is nest.is_nested
    assert not nest.is_sequence("1234")
    assert nest.is_sequence([1, 3, [4, 5]]) and nest.is_sequence(((7, 8), (5, 6)))
    assert nest.is_sequence([]) and nest.is_sequence({"a": 1, "b": 2})
    assert nest.is_sequence({"a": 1}.keys()) and nest.is_sequence({"a": 1}.items())
    assert not nest.is_sequence({1, 2})
    assert not nest.is_sequence(tf.ones([2, 3])) and not nest.is_sequence(np.ones((4, 5)))


def test_flatten_up_to_stops_at_the_shallow_tree():
    """nest_test.testFlattenUpTo."""
    assert nest.flatten_up_to([[True, True], [False, True]],
                              [[[2, 2], [3, 3]], [[4, 9], [5, 5]]]) == [[2, 2], [3, 3],
                                                                        [4, 9], [5, 5]]
    assert nest.flatten_up_to({"a": 0, "b": 0, "d": [0, 0]},
                              {"a": 1, "b": {"c": 2}, "d": [3, (4, 5)]}) == [1, {"c": 2}, 3,
                                                                             (4, 5)]
    assert nest.flatten_up_to(ABTuple(a=0, b=1), ABTuple(a=[0, 1], b=2)) == [[0, 1], 2]


def test_map_structure_up_to_maps_over_the_shallow_tree():
    """nest_test.testMapStructureUpTo."""
    op_tuple = collections.namedtuple("op_tuple", "add, mul")
    inp_val = ABTuple(a=2, b=3)
    inp_ops = ABTuple(a=op_tuple(add=1, mul=2), b=op_tuple(add=2, mul=3))
    out = nest.map_structure_up_to(inp_val, lambda val, ops: (val + ops.add) * ops.mul,
                                   inp_val, inp_ops)
    assert (out.a, out.b) == (6, 15)
    out = nest.map_structure_up_to(["evens", ["odds", "primes"]],
                                   lambda name, sec: f"first_{len(sec)}_{name}",
                                   ["evens", ["odds", "primes"]],
                                   [[2, 4, 6, 8], [[1, 3, 5, 7, 9], [3, 5, 7]]])
    assert out == ["first_4_evens", ["first_5_odds", "first_3_primes"]]


def test_assert_same_structure_refuses_different_nesting():
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        nest.assert_same_structure((0, (1, 2)), (0, 1))
    nest.assert_same_structure((0, (1, 2)), ("a", ("b", "c")))


def test_nest_serves_tf115s_names_and_explains_others():
    assert set(nest.__all__) >= {"flatten", "pack_sequence_as", "map_structure",
                                 "assert_same_structure", "is_sequence", "flatten_up_to"}
    assert all(callable(getattr(nest, name)) for name in nest.__all__)
    with pytest.raises(ContribNameError, match="framework.nest.no_such_function"):
        nest.no_such_function  # noqa: B018


# --- 2. arg_scope -----------------------------------------------------------------------------

@framework.add_arg_scope
def func1(*args, **kwargs):
    return (args, kwargs)


@framework.add_arg_scope
def func3(args, a=None, b=1, c=2):
    return (args, a, b, c)


def test_arg_scope_of_framework_applies_to_contrib_layers():
    assert framework.arg_scope is layers.arg_scope
    x = tf.placeholder(tf.float32, [None, 3])
    with framework.arg_scope([layers.fully_connected], num_outputs=4, activation_fn=None):
        y = layers.fully_connected(x)
    assert y.get_shape().as_list() == [None, 4]
    assert [v.op.name for v in framework.get_model_variables()] == [
        "fully_connected/weights", "fully_connected/biases"]


def test_arg_scope_sets_and_nests_defaults():
    """arg_scope_test: testSimpleArgScope, testOverwriteArgScope, testCurrentArgScope."""
    with framework.arg_scope([func1], a=1, b=None, c=[1]) as scope:
        assert func1(0) == ((0,), {"a": 1, "b": None, "c": [1]})
        assert func1(0, b=2) == ((0,), {"a": 1, "b": 2, "c": [1]})
        assert scope == {framework.arg_scope_func_key(func1): {"a": 1, "b": None, "c": [1]}}
        assert framework.current_arg_scope() == scope
    assert framework.arg_scoped_arguments(func3) == ("a", "b", "c")
    assert framework.has_arg_scope(func1)


def test_arg_scope_refuses_undecorated_functions_and_unknown_arguments():
    """arg_scope_test: testNonDecorated, testUnexpectedArg."""
    with pytest.raises(ValueError), framework.arg_scope([lambda t, a=None: (t, a)], a=1):
        pass
    with pytest.raises(TypeError), framework.arg_scope([func3], d=1):
        func3(1)


# --- 3. variables -----------------------------------------------------------------------------

def test_variable_helpers_are_tf_slims_tf115_functions():
    slim_variables = importlib.import_module("tf_slim.ops.variables")
    for name in ("get_variables", "get_variables_to_restore", "get_model_variables",
                 "get_trainable_variables", "get_global_step", "get_or_create_global_step",
                 "assign_from_checkpoint_fn", "assign_from_values", "local_variable",
                 "model_variable", "variable", "filter_variables"):
        assert getattr(framework, name) is getattr(slim_variables, name)


def test_local_variables_are_local_and_not_restored():
    """variables_test.LocalVariableTest."""
    with tf.variable_scope("A"):
        a = framework.local_variable([1, 1, 1, 1, 1], name="a")
    assert (a.op.name, a.get_shape().as_list()) == ("A/a", [5])
    assert framework.get_local_variables() == [a] == tf.local_variables()
    assert a not in tf.global_variables() and a not in framework.get_variables_to_restore()
    assert framework.get_variables("A") == []
    np.testing.assert_array_equal(run(a)[0], [1] * 5)


def test_model_variables_are_global_model_variables():
    """variables_test.ModelVariablesTest."""
    with tf.variable_scope("A"):
        a = framework.model_variable("a", [5])
    with tf.variable_scope("B"):
        b = framework.model_variable("a", [5])
    assert (a.op.name, a.get_shape().as_list()) == ("A/a", [5])
    assert framework.get_model_variables("A") == [a] and framework.get_variables("B") == [b]
    assert a in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES) and a not in tf.local_variables()


def test_get_variables_to_restore_includes_and_excludes_scopes():
    """variables_test: testGet/Include/Exclude/Wrong/Mixed...VariablesToRestore."""
    with tf.variable_scope("A"):
        a, b = framework.variable("a", [5]), framework.variable("b", [5])
    with tf.variable_scope("B"):
        c, d = framework.variable("c", [5]), framework.variable("d", [5])
    assert framework.get_variables() == [a, b, c, d] == framework.get_variables_to_restore()
    assert framework.get_variables_to_restore(["A"]) == [a, b]
    assert framework.get_variables_to_restore(exclude=["B"]) == [a, b]
    assert framework.get_variables_to_restore(["a"]) == []
    assert framework.get_variables_to_restore(include=["A/a", "B/c"]) == [a, c]
    assert framework.get_variables_to_restore(exclude=["A/a", "B/c"]) == [b, d]


def test_global_step_is_a_scalar_int64_created_once():
    """variables_test.GlobalStepTest."""
    assert framework.get_global_step() is None
    step = framework.get_or_create_global_step()
    assert (step.name, step.dtype.base_dtype, step.get_shape().as_list()) == (
        "global_step:0", tf.int64, [])
    assert framework.get_or_create_global_step() is step
    with pytest.raises(ValueError, match="already exists"):
        framework.create_global_step()


@pytest.mark.parametrize("expected, include, exclude, reg_search", [
    (["conv1/weights", "conv1/biases", "conv2/weights", "conv2/biases", "clfs/weights",
      "clfs/biases"], None, None, True),
    (["conv1/biases", "conv2/biases", "clfs/biases"], ["biases"], None, True),
    (["conv1/biases", "conv2/biases", "clfs/biases"], None, ["weights"], True),
    (["conv2/biases", "clfs/biases"], None, ["weights", "conv1"], True),
    (["conv1/weights", "conv1/biases", "conv2/weights", "clfs/weights"],
     ["conv1", "weights"], None, True),
    (["conv1/weights"], ["conv1"], ["biases"], True),
    (["conv1/biases", "conv2/biases", "clfs/biases"], [".*biases"], None, False),
    ([], ["biases"], None, False),
])
def test_filter_variables_matches_tf115(expected, include, exclude, reg_search):
    """variables_test.FilterVariablesTest."""
    names = ["conv1/weights", "conv1/biases", "conv2/weights", "conv2/biases", "clfs/weights",
             "clfs/biases"]
    variables = [tf.Variable(0, name=name) for name in names]
    kept = framework.filter_variables(variables, include_patterns=include,
                                      exclude_patterns=exclude, reg_search=reg_search)
    assert sorted(v.op.name for v in kept) == sorted(expected)


def test_assign_from_values_loads_the_given_values():
    """variables_test.AssignFromValuesTest.testNoScopes."""
    value0 = np.asarray([1.0, 3.0, 9.0]).reshape((1, 3, 1))
    value1 = np.asarray([2.0, 4.0, 6.0, 8.0]).reshape((2, 1, 2))
    var0 = framework.variable("my_var0", shape=[1, 3, 1])
    var1 = framework.variable("my_var1", shape=[2, 1, 2])
    assign_op, feed_dict = framework.assign_from_values({"my_var0": value0, "my_var1": value1})
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(assign_op, feed_dict)
        np.testing.assert_array_equal(session.run(var0), value0)
        np.testing.assert_array_equal(session.run(var1), value1)


def test_assign_from_checkpoint_fn_loads_renamed_variables(tmp_path):
    """variables_test.AssignFromCheckpointFnTest.testLoadExistingVariables."""
    with tf.Graph().as_default(), tf.Session() as session:
        saved = [tf.Variable(10.0, name="v0"), tf.Variable(20.0, name="v1")]
        session.run(tf.variables_initializer(saved))
        model_path = tf.train.Saver(saved).save(session, str(tmp_path / "model"))
    var0 = framework.variable("my_var0", shape=[])
    var1 = framework.variable("my_var1", shape=[])
    init_fn = framework.assign_from_checkpoint_fn(model_path, {"v0": var0, "v1": var1})
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        init_fn(session)
        assert session.run([var0, var1]) == [10.0, 20.0]


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.float32, tf.float64])
@pytest.mark.parametrize("use_init", [False, True])
@pytest.mark.parametrize("use_resource", [False, True])
def test_zero_initializer_zeroes_only_uninitialized_variables(dtype, use_init, use_resource):
    """variables_test.ZeroInitializerOpTest and ZeroVarInitializerOpTest."""
    var = tf.get_variable("var", initializer=tf.ones([10, 20], dtype=dtype),
                          use_resource=use_resource)
    var_zero = framework.zero_initializer(var)
    with tf.Session() as session:
        with pytest.raises(tf.errors.OpError):
            session.run(var)  # uninitialized
        if use_init:
            session.run(var.initializer)
            with pytest.raises(tf.errors.OpError, match="input is already initialized"):
                session.run(var_zero)
            np.testing.assert_array_equal(session.run(var), np.ones([10, 20]))
        else:
            session.run(var_zero)
            np.testing.assert_array_equal(session.run(var), np.zeros([10, 20]))
