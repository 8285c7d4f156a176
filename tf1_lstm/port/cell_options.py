"""What an old block cell's variable names leave open: its peepholes and its cell clip.

``eras.block_cell_facts`` says, per renamed block cell, what its release fixed or left to a
constructor argument that was never saved (TF's history, read release by release)::

    TF 0.10 LSTMFusedCell, 0.11 LSTMBlockCell   wci, wcf, wco created whatever use_peephole
                                                was: peepholes unknown (TF's default: off)
    TF 0.10 - 0.12 LSTMBlockCell                cell_clip 3.0: the op's default, no argument
    TF 0.12 - 1.3 LSTMBlockFusedCell            cell_clip unknown, TF's default 3.0
    TF 1.2 - 1.4 lstm_block_wrapper             cell_clip unknown, no default (1.2-1.3 clipped
                                                at 3, 1.4 did not)

The ``.meta`` graph shows both (the block op's attributes: ``graph_facts``), and it is read
when it is there. Without it, ``--peepholes yes|no`` and ``--cell-clip C|none`` decide, and
otherwise TF's default is assumed and the report says so; where there was no default, the
port stops and names the option.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tf1_lstm.cells.kinds import is_lstm
from tf1_lstm.port.eras import CellFact
from tf1_lstm.port.errors import BadPortOption
from tf1_lstm.port.tf1_rnn import Tf1Rnn


@dataclass
class CellDecisions:
    """The lines for the report: what the names fixed, and what was assumed."""

    known: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)


def parse_cell_clip(text: str | None) -> float | None:
    """--cell-clip: a positive number, or ``none`` (no clipping, TF's -1); None: not given."""
    if text is None:
        return None
    if text.strip().lower() in ("none", "-1", "off"):
        return -1.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise BadPortOption(f"--cell-clip {text}: give the clip as a positive number such as 3, "
                            f"or 'none' for a cell that did not clip")
    return value


def peepholes_off(facts: Iterable[CellFact], option: str | None,
                  decisions: CellDecisions) -> list[str]:
    """The cells whose peephole variables are to be left unread: TF 0.10/0.11 cells whose
    use_peephole is unknown, unless ``--peepholes yes``."""
    unknown = [fact for fact in facts if fact.argument == "use_peephole" and not fact.known]
    if not unknown:
        return []
    use = option == "yes"
    for fact in unknown:
        how = "given with --peepholes" if option else "TF's default; --peepholes yes if the " \
            "cell was built with use_peephole=True"
        decisions.assumed.append(f"{fact.scope}: use_peephole={use} ({how}); {fact.why}")
    return [] if use else [fact.scope for fact in unknown]


def apply_cell_clips(model: Tf1Rnn, facts: Iterable[CellFact], option: float | None,
                     decisions: CellDecisions) -> Tf1Rnn:
    """Each old block LSTM's cell_clip from its release, or --cell-clip where that did not
    fix it. The .meta graph, read later, has the last word (``model_facts``)."""
    by_scope = {fact.scope: fact for fact in facts if fact.argument == "cell_clip"}

    def decide(layer):
        fact = by_scope.get(layer.scope)
        if fact is None and option is not None and not by_scope and is_lstm(layer.kind):
            decisions.assumed.append(f"cell_clip = {_text(option)} for {layer.scope} (given "
                                     f"with --cell-clip)")
            return replace(layer, cell_clip=option if option > 0 else None)
        if fact is None:
            return layer
        if fact.known:
            decisions.known.append(f"cell_clip = {fact.value:g} for {layer.scope} ({fact.why})")
            return replace(layer, cell_clip=fact.value if fact.value > 0 else None)
        if option is None and fact.value is None:
            raise BadPortOption(
                f"{layer.scope}: {fact.why}, and the checkpoint cannot tell which: give it "
                f"with --cell-clip 3 (TF 1.2-1.3) or --cell-clip none (TF 1.4). Nothing was "
                f"written.")
        value = fact.value if option is None else option
        how = "given with --cell-clip" if option is not None else \
            "TF's default; --cell-clip none if the cell did not clip"
        decisions.assumed.append(f"cell_clip = {_text(value)} for {layer.scope} ({how}; "
                                 f"{fact.why})")
        return replace(layer, cell_clip=value if value > 0 else None)

    return replace(model, layers=tuple(map(decide, model.layers)),
                   backward=model.backward and tuple(map(decide, model.backward)))


def _text(clip: float) -> str:
    return "none" if clip <= 0 else f"{clip:g}"
