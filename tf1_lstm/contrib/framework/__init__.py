"""``tf.contrib.framework`` on TensorFlow 2.21: TF 1.15's names, mostly the very same objects.

Where each name comes from:

- ``arg_scope``, ``add_arg_scope``, ``arg_scoped_arguments``, ... and the variable helpers
  (``get_variables``, ``get_variables_to_restore``, ``model_variable``, ``variable``,
  ``assign_from_checkpoint_fn``, ``get_or_create_global_step``, ...): tf_slim, which is
  TF 1.15's ``contrib/framework/python/ops/{arg_scope,variables}.py`` moved out of contrib.
  They are the objects ``tf.contrib.layers`` uses, so ``tf.contrib.framework.arg_scope``
  over ``tf.contrib.layers.fully_connected`` applies;
- ``nest``: TF 2.21's ``tensorflow.python.util.nest`` under TF 1.15's names (``nest``);
- ``load_checkpoint``, ``load_variable``, ``list_variables``, ``init_from_checkpoint``:
  ``tf.compat.v1.train``'s (TF 1.15's contrib copies of the same functions);
- TF's own functions TF 1.15 re-exported here (``deprecated``, ``smart_cond``,
  ``TensorSpec``, ``sort``, ``convert_to_tensor_or_sparse_tensor``, ...);
- rebuilt where TF 2.21 has no equivalent: ``with_shape``, ``with_same_shape``,
  ``assert_scalar_int``, ``reduce_sum_n``, ``remove_squeezable_dimensions``
  (``tensor_util``), ``zero_initializer`` (``variable_ops``), ``get_placeholders``
  (``graph_util``).

Any other name raises ``ContribNameError`` naming its TF2 replacement.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before tf_slim loads

# isort: split
from tensorflow.python.framework.ops import prepend_name_scope, strip_name_scope
from tensorflow.python.framework.smart_cond import smart_case, smart_cond, smart_constant_value
from tensorflow.python.framework.tensor_spec import BoundedTensorSpec, TensorSpec
from tensorflow.python.ops.data_flow_ops import RecordInput
from tensorflow.python.ops.init_ops import (
    convolutional_delta_orthogonal,
    convolutional_orthogonal_1d,
    convolutional_orthogonal_2d,
    convolutional_orthogonal_3d,
)
from tensorflow.python.util.deprecation import deprecated, deprecated_arg_values, deprecated_args
from tf_slim.ops.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from tf_slim.ops.framework_ops import get_graph_from_inputs, get_name_scope
from tf_slim.ops.variables import (
    VariableDeviceChooser,
    add_model_variable,
    assert_global_step,
    assert_or_get_global_step,
    assign_from_checkpoint,
    assign_from_checkpoint_fn,
    assign_from_values,
    assign_from_values_fn,
    create_global_step,
    filter_variables,
    get_global_step,
    get_local_variables,
    get_model_variables,
    get_or_create_global_step,
    get_trainable_variables,
    get_unique_variable,
    get_variable_full_name,
    get_variables,
    get_variables_by_name,
    get_variables_by_suffix,
    get_variables_to_restore,
    global_variable,
    local_variable,
    model_variable,
    variable,
)

from tf1_lstm.bootstrap import tf as _tf
from tf1_lstm.contrib.framework import nest
from tf1_lstm.contrib.framework.graph_util import get_placeholders
from tf1_lstm.contrib.framework.tensor_util import (
    assert_scalar_int,
    reduce_sum_n,
    remove_squeezable_dimensions,
    with_same_shape,
    with_shape,
)
from tf1_lstm.contrib.framework.variable_ops import zero_initializer
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.slim_repair import repair_tf_slim as _repair_tf_slim

_repair_tf_slim()  # local_variable, global_variable & co. read TF names that TF 2.21 moved

# tensor_util names TF 1.15 took from TF itself.
is_tensor = _tf.is_tensor
assert_same_float_dtype = _tf.assert_same_float_dtype
assert_scalar = _tf.assert_scalar
convert_to_tensor_or_sparse_tensor = _tf.convert_to_tensor_or_sparse_tensor
# checkpoint_utils: TF 1.15's contrib copies; tf.compat.v1.train has the same functions.
load_checkpoint = _tf.train.load_checkpoint
load_variable = _tf.train.load_variable
list_variables = _tf.train.list_variables
init_from_checkpoint = _tf.train.init_from_checkpoint
# sort_ops: TF 1.15 re-exported TF's own.
sort = _tf.sort
argsort = _tf.argsort

__all__ = [
    "nest",
    # tensor_util
    "assert_same_float_dtype", "assert_scalar", "assert_scalar_int",
    "convert_to_tensor_or_sparse_tensor", "is_tensor", "reduce_sum_n",
    "remove_squeezable_dimensions", "with_shape", "with_same_shape",
    # deprecation decorators
    "deprecated", "deprecated_args", "deprecated_arg_values",
    # arg_scope
    "arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
    "arg_scoped_arguments", "arg_scope_func_key",
    # name scopes and graphs
    "prepend_name_scope", "strip_name_scope", "get_graph_from_inputs", "get_name_scope",
    "get_placeholders",
    # variables
    "add_model_variable", "assert_global_step", "assert_or_get_global_step",
    "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values",
    "assign_from_values_fn", "create_global_step", "filter_variables", "get_global_step",
    "get_or_create_global_step", "get_local_variables", "get_model_variables",
    "get_trainable_variables", "get_unique_variable", "get_variables_by_name",
    "get_variables_by_suffix", "get_variable_full_name", "get_variables_to_restore",
    "get_variables", "global_variable", "local_variable", "model_variable", "variable",
    "VariableDeviceChooser", "zero_initializer",
    # initializers
    "convolutional_delta_orthogonal", "convolutional_orthogonal_1d",
    "convolutional_orthogonal_2d", "convolutional_orthogonal_3d",
    # checkpoints
    "load_checkpoint", "list_variables", "load_variable", "init_from_checkpoint",
    # sorting, conditionals, specs, input
    "argsort", "sort", "smart_cond", "smart_constant_value", "smart_case",
    "BoundedTensorSpec", "TensorSpec", "RecordInput",
]

__getattr__ = _missing_name_hook("framework", __all__)
