"""The words of ``tf1-lstm inspect --decoder``: what each result of ``dynamic_decode`` is.

``describe_node`` gives every node of the tree its shape in letters and one line of what it
is; ``decoder_code``, ``decoder_explanation`` and ``decoder_notes`` phrase the rest, and
``format_decoder_inspection`` lays a ``DecoderInspection`` out as:

    encoder_inputs = tf.placeholder(...)             the TF1 code that was built
    B = 4 rows, T = ..., ...                         the letters of the shapes
    outputs: ... / final_state: ... / final_sequence_lengths    one line per node
    the explanation                                  one paragraph
    variables, verified on one run, notes

The letters: B batch rows, T the steps decoded, T_memory the source steps, H units, V the
vocabulary, A attention_layer_size, beam the beam width. Imports no TensorFlow.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.inspect.decoder_data import EOS, GO, DecoderInspection, DecoderNode, DecoderOptions
from tf1_lstm.inspect.format import format_checks, shape_text

NOTE_WIDTH = 100


# ---------------------------------------------------------------------------------------------
# What each node is


def _cell_state_words(options: DecoderOptions, rest: str, lead: str,
                      type_name: str) -> tuple[str, str]:
    """The decoder cell's state, ``rest`` the path below it ("", ".attention", ".h", ...)."""
    kind = cell_kind(options.cell)
    beam = options.decoder == "beam"
    where = ("each final beam's, taken from its parent slot" if beam
             else "after each row's last step, copied through past it")
    inner = ".cell_state" if options.attention != "none" else ""
    if rest == inner:
        what = (f"the wrapped {kind.tf1_class}'s state (encoder_state at the start)" if inner
                else f"the decoder {kind.tf1_class}'s state, {where}")
        if kind.is_lstm:
            return "", f"(c, h): {what}"
        return f"[{lead}, H]", f"{what}; = its output h"
    if rest == inner + ".c":
        return f"[{lead}, H]", "cell state c (long-term)"
    if rest == inner + ".h":
        return f"[{lead}, H]", "hidden state h, the cell's output" + (
            ": the attention's query" if inner else "")
    if not beam:
        history = ("[B, T_memory] each", "every step's alignments (alignment_history=True); "
                   ".stack() -> [T, B, T_memory]")
    elif type_name == "Tensor":
        history = ("[T, B*beam, T_memory]", "every step's alignments, stacked and reordered "
                   "along each final beam's ancestry (reorder_tensor_arrays), one step behind")
    else:
        history = ("[B*beam, T_memory] each", "every step's alignments in slot order: not "
                   "reordered (TF 1.15 refuses [B*beam, T_memory] elements when B is static)")
    return {
        "": ("", f"the decoder cell's state, {where}"),
        ".attention": (f"[{lead}, A]", "attention_layer([h, context]): the wrapper's output "
                       "(output_attention=True), into Dense(V) and the next input"),
        ".time": ("[]", "the steps the wrapper took (T), one scalar for all rows"),
        ".alignments": (f"[{lead}, T_memory]", "the last step's weights over the memory: rows "
                        "sum to 1, 0 past memory_sequence_length"),
        ".alignment_history": history,
        ".attention_state": (f"[{lead}, T_memory]", "the mechanism's state: for Bahdanau and "
                             "Luong, the alignments again"),
    }[rest]


def describe_node(options: DecoderOptions, path: str, type_name: str) -> tuple[str, str]:
    """(the shape in letters, one line of what it is) for the node at ``path``."""
    beam = options.decoder == "beam"
    cell_root = "final_state.cell_state" if beam else "final_state"
    if path == cell_root or path.startswith(cell_root + "."):
        return _cell_state_words(options, path[len(cell_root):], "B, beam" if beam else "B",
                                 type_name)
    step = "outputs.beam_search_decoder_output"
    if beam:
        return {
            "outputs": ("", "(predicted_ids, beam_search_decoder_output)"),
            "outputs.predicted_ids": ("[B, T, beam]", "each final beam's tokens, read back "
                                      "through parent_ids by gather_tree; beam 0 the best"),
            step: ("", "(scores, predicted_ids, parent_ids): each step's, per beam slot, "
                       "before gather_tree"),
            f"{step}.scores": ("[B, T, beam]", "slot w's score after step t, best first "
                               "(= log probability: length_penalty_weight=0)"),
            f"{step}.predicted_ids": ("[B, T, beam]", "the token slot w chose at step t: not "
                                      "a sequence, slots change beams"),
            f"{step}.parent_ids": ("[B, T, beam]", "the slot of step t-1 that slot w's beam "
                                   "continued"),
            "final_state": ("", "the beams after the last step, best first"),
            "final_state.log_probs": ("[B, beam]", "each final beam's total log probability"),
            "final_state.finished": ("[B, beam]", "whether each final beam emitted end_token"),
            "final_state.lengths": ("[B, beam]", "each final beam's length, end_token counted "
                                    "once"),
            "final_state.accumulated_attention_probs": ("", "coverage_penalty_weight=0: none"),
            "final_sequence_lengths": ("[B, beam]", "dynamic_decode's steps per slot, not per "
                                       "beam: read final_state.lengths"),
        }[path]
    training = options.decoder == "training"
    into = "A" if options.attention != "none" else "H"
    return {
        "outputs": ("", "(rnn_output, sample_id): every step's output, batch-major"),
        "outputs.rnn_output": ("[B, T, V]", f"Dense(V) of the cell's output [{into}]: the "
                               "logits; 0 past final_sequence_lengths"),
        "outputs.sample_id": ("[B, T]", "argmax(rnn_output), not fed back (the next input is "
                              "the next target)" if training else "argmax(rnn_output), "
                              f"embedded as the next input; {EOS} (end_token) ends a row"),
        "final_sequence_lengths": ("[B]", "each row's steps: the TrainingHelper's "
                                   "sequence_length" if training else "each row's steps, up "
                                   "to its first end_token (else maximum_iterations)"),
    }[path]


# ---------------------------------------------------------------------------------------------
# The code, the explanation, the notes


def decoder_code(options: DecoderOptions) -> str:
    """The TF1 lines this graph is built from, in tf.contrib.seq2seq's names."""
    T, W = options.steps, options.beam_width
    B = "None" if options.unknown_batch else str(options.batch)
    batch_size = "batch_size" if options.unknown_batch else B
    one_cell = "tf.contrib.rnn." + cell_kind(options.cell).tf1_code(options.units)
    s2s = "tf.contrib.seq2seq"
    lines = [
        f"encoder_inputs = tf.placeholder(tf.float32, [{B}, {T}, {options.inputs}])",
        f"source_lengths = tf.placeholder(tf.int32, [{B}])  # fed {list(options.memory_lengths)}",
    ]
    if options.unknown_batch:
        lines.append("batch_size = tf.shape(encoder_inputs)[0]")
    if options.decoder == "training":
        lines.append(f"target_ids = tf.placeholder(tf.int32, [{B}, {T}])  # fed GO, then "
                     "random words")
    lines += [
        f"memory, encoder_state = tf.nn.dynamic_rnn({one_cell}, encoder_inputs, "
        "sequence_length=source_lengths, dtype=tf.float32, scope=\"encoder\")",
        f"embedding = tf.get_variable(\"embedding\", [{options.vocab}, {options.inputs}])"
        f"  # GO = {GO}, EOS = {EOS}",
        f"cell = {one_cell}"]
    memory, lengths, state = "memory", "source_lengths", "encoder_state"
    if options.decoder == "beam":
        memory, lengths, state = "tiled_memory", "tiled_lengths", "tiled_state"
        lines.append(f"{memory}, {lengths}, {state} = ({s2s}.tile_batch(t, multiplier={W}) "
                     "for t in (memory, source_lengths, encoder_state))")
    if options.attention != "none":
        mechanism = {"bahdanau": "BahdanauAttention", "luong": "LuongAttention"}
        rows = f"{batch_size} * {W}" if options.decoder == "beam" else batch_size
        lines += [
            f"mechanism = {s2s}.{mechanism[options.attention]}({options.units}, {memory}, "
            f"memory_sequence_length={lengths})",
            f"cell = {s2s}.AttentionWrapper(cell, mechanism, attention_layer_size="
            f"{options.attention_layer_size}, alignment_history=True)",
            f"initial_state = cell.zero_state({rows}, tf.float32).clone(cell_state={state})"]
    else:
        lines.append(f"initial_state = {state}")
    dense = f"tf.layers.Dense({options.vocab})"
    if options.decoder == "beam":
        lines.append(f"decoder = {s2s}.BeamSearchDecoder(cell, embedding, tf.fill([{batch_size}], "
                     f"{GO}), {EOS}, initial_state, {W}, output_layer={dense})")
    else:
        if options.decoder == "training":
            lines.append(f"helper = {s2s}.TrainingHelper(tf.nn.embedding_lookup(embedding, "
                         "target_ids), source_lengths)")
        else:
            lines.append(f"helper = {s2s}.GreedyEmbeddingHelper(embedding, tf.fill([{batch_size}], "
                         f"{GO}), {EOS})")
        lines.append(f"decoder = {s2s}.BasicDecoder(cell, helper, initial_state, "
                     f"output_layer={dense})")
    extra = "" if options.decoder == "beam" else "impute_finished=True"
    if options.decoder != "training":
        extra += (", " if extra else "") + "maximum_iterations=2 * tf.reduce_max(source_lengths)"
    lines.append(f"outputs, final_state, final_sequence_lengths = {s2s}.dynamic_decode("
                 f"decoder, {extra})")
    return "\n".join(lines)


def decoder_explanation(options: DecoderOptions) -> str:
    """One paragraph: what the three results are for this decoder."""
    start = ("dynamic_decode returns (outputs, final_state, final_sequence_lengths), where "
             "dynamic_rnn returned (outputs, states). ")
    if options.decoder == "beam":
        text = start + (
            "The BeamSearchDecoder keeps `beam` hypotheses per entry, its cell running on "
            "B*beam rows (tile_batch repeats each entry's memory, lengths and state in place). "
            "outputs.predicted_ids [B, T, beam] are whole sequences, best first: gather_tree "
            "follows parent_ids back from each final beam. outputs.beam_search_decoder_output "
            "holds what each step emitted per slot (scores, predicted_ids, parent_ids): slot w "
            "at step t is not necessarily an ancestor of final beam w, so its predicted_ids are "
            "not sequences. final_state is a BeamSearchDecoderState, its cell_state split to "
            "[B, beam, ...]; each final beam's length is final_state.lengths, not "
            "final_sequence_lengths (counted per slot).")
    else:
        helper = ("TrainingHelper reads the next input from the targets and stops row b after "
                  "sequence_length[b] steps, so T = max(sequence_length)"
                  if options.decoder == "training" else
                  "GreedyEmbeddingHelper feeds each step's argmax back and finishes a row at "
                  "end_token; the loop stops when every row has finished or at "
                  "maximum_iterations, so T is known only when the graph runs")
        text = start + (
            "outputs is the BasicDecoderOutput of every step, batch-major: rnn_output the "
            "output layer's logits [B, T, V], sample_id their argmax [B, T]. final_state has "
            "the structure of the decoder cell's state, after each row's last step: with "
            "impute_finished=True a finished row's state is copied through and its outputs are "
            "0, as dynamic_rnn does past sequence_length. final_sequence_lengths [B] counts "
            f"each row's steps: {helper}.")
    if options.attention != "none":
        where = "final_state.cell_state" if options.decoder == "beam" else "final_state"
        text += (f" With an AttentionWrapper the cell's state ({where}) is an "
                 "AttentionWrapperState: the wrapped cell's state, the attention [.., A] "
                 "(the wrapper's output), time, the alignments over the memory [.., T_memory] "
                 "and their alignment_history.")
    return text


def decoder_notes(options: DecoderOptions, values: dict[str, Any],
                  tree: tuple[DecoderNode, ...]) -> tuple[str, ...]:
    """What to keep in mind, with what this run measured."""
    lines = []
    steps = _steps_run(options, values["outputs"])
    if not options.lengths_given:
        lines.append(f"the source lengths default to T_memory, T_memory-1, ..., 1 "
                     f"({list(options.memory_lengths)}) so that the padding shows: give your "
                     "own with --sequence-length")
    if options.decoder != "training":
        lines.append(f"the time axis is ? in the static shapes: the while loop decides T when it "
                     f"runs (here T = {steps}, maximum_iterations = {options.maximum_iterations})")
    if options.decoder == "greedy":
        ended = int(np.sum(values["final_sequence_lengths"] < steps))
        lines.append(f"{ended} of {options.batch} rows emitted end_token before the last step; "
                     "the weights are random, so the tokens mean nothing: the structure does")
    if options.attention != "none":
        lines.append("memory_layer/kernel is outside decoder/: TF 1.15 applies the memory layer "
                     "when the mechanism is built (keys = memory @ memory_layer/kernel, once)")
    if options.decoder == "beam":
        state_lengths = values["final_state"].lengths
        differ = int(np.sum(values["final_sequence_lengths"] != state_lengths))
        lines.append(f"final_sequence_lengths differs from final_state.lengths in {differ} of "
                     f"{state_lengths.size} entries here: a slot's count goes on while beams move "
                     "between slots (TF 1.15's finalize ignores it for final_state.lengths)")
    history = [node for node in tree if node.path == "final_state.cell_state.alignment_history"]
    if history and history[0].type_name == "Tensor":
        lines.append("TF 1.15 reorders alignment_history one step behind the beams: row t "
                     "follows the slot each final beam held after step t, but step t's "
                     "alignments were computed on the slot before it (its parent's)")
    elif history:
        lines.append("TF 1.15 reorders a TensorArray in the state only if its elements reshape "
                     "to [B, beam, ...]; with a static B its check refuses [B*beam, T_memory] "
                     "(logging a warning), so alignment_history stays in slot order; with "
                     "--unknown-batch it is reordered")
    return tuple(lines)


def _steps_run(options: DecoderOptions, outputs: Any) -> int:
    """T: the steps the loop ran (the time axis of the outputs, batch-major)."""
    ids = outputs.predicted_ids if options.decoder == "beam" else outputs.sample_id
    return int(ids.shape[1])


# ---------------------------------------------------------------------------------------------
# The text


def _letters(inspection: DecoderInspection) -> str:
    options = inspection.options
    words = [f"B = {options.batch} rows", f"T = {_steps_run(options, inspection.outputs)} "
             "steps decoded", f"T_memory = {options.steps} source steps",
             f"H = {options.units} units", f"V = {options.vocab} tokens"]
    if options.attention != "none":
        words.append(f"A = {options.attention_layer_size} (attention_layer_size)")
    if options.decoder == "beam":
        words.append(f"beam = {options.beam_width} (beam_width)")
    return ", ".join(words)


def _shapes(node: DecoderNode) -> str:
    static = shape_text(node.shape)
    if node.type_name == "TensorArray":
        return f"{static} each, .stack() -> {shape_text(node.run_shape)}"
    if node.shape is not None and None in node.shape:
        return f"{static} -> {shape_text(node.run_shape)}"
    return static


def format_decoder_tree(tree: tuple[DecoderNode, ...]) -> list[str]:
    """One line per node; the leaves aligned in columns (name, type, letters, shape, what)."""
    leaves = [node for node in tree if node.type_name in ("Tensor", "TensorArray")]
    widths = [max(len(text) for text in column) for column in zip(*[
        ("  " * node.depth + node.path, f"{node.type_name} {node.dtype}", node.axes,
         _shapes(node)) for node in leaves], strict=True)] if leaves else []
    lines = []
    for node in tree:
        indent = "  " * node.depth
        if node in leaves:
            columns = (indent + node.path, f"{node.type_name} {node.dtype}", node.axes,
                       _shapes(node))
            lines.append("  ".join(text.ljust(width) for text, width in
                                   zip(columns, widths, strict=True)) + "  " + node.description)
        elif node.length == 0:
            lines.append(f"{indent}{node.path}: ()  {node.description}")
        else:
            lines.append(f"{indent}{node.path}: {node.type_name}  {node.description}")
    return lines


def format_decoder_inspection(inspection: DecoderInspection) -> str:
    """The whole explanation as text: code, tree, explanation, variables, checks, notes."""
    options = inspection.options
    lines = [*inspection.code.splitlines(), "", _letters(inspection), ""]
    lines += format_decoder_tree(inspection.tree)
    lines += [""] + textwrap.wrap(decoder_explanation(options), NOTE_WIDTH)
    lines += ["", "variables (trainable):"]
    width = max(len(variable.name) for variable in inspection.variables)
    for variable in inspection.variables:
        lines.append(f"  {variable.name.ljust(width)}  {shape_text(variable.shape)}")
    lines.append(f"  total {inspection.total_parameters:,}")
    checks = format_checks(inspection)[1:]  # the RNN one's lines, under a header of ours
    lines += ["", f"verified on one run ({options.input_source}):", *checks]
    if inspection.notes:
        lines += ["", "notes:"]
        for note in inspection.notes:
            lines += textwrap.wrap(note, NOTE_WIDTH, initial_indent="  - ",
                                   subsequent_indent="    ")
    return "\n".join(lines)
