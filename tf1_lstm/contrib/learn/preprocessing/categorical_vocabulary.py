"""``CategoricalVocabulary``: TF 1.15's word (or category) -> id table of ``tf.contrib.learn``.

Id 0 is the unknown token (``"<UNK>"``); every new word gets the next id until the
vocabulary is frozen, after which unknown words get 0. ``add`` counts a word's frequency;
``trim(min_frequency)`` then renumbers the words 1..n, most frequent first (ties in
alphabetical order), keeping only words seen *more than* ``min_frequency`` times.

The attributes are TF 1.15's, name for name (``_mapping``, ``_freq``, ...), so a vocabulary
pickled by TF 1.15 (inside a ``VocabularyProcessor.save`` file) loads into this class.
"""

from __future__ import annotations

import collections

from tf1_lstm.errors import Tf1LstmError


class ReverseNotSupported(Tf1LstmError, ValueError):
    """``reverse()`` on a vocabulary made with ``support_reverse=False``."""


class CategoricalVocabulary:
    """Maps categories (words, ints) to ids 1, 2, ...; 0 is the unknown token."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        """The number of ids, the unknown token's included."""
        return len(self._mapping)

    def freeze(self, freeze=True):
        """Frozen (True), new categories get id 0 instead of a new id."""
        self._freeze = freeze

    def get(self, category):
        """The id of ``category``; a new one gets the next id unless frozen (then 0)."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        """Count ``count`` more occurrences of ``category`` (giving it an id if it is new)."""
        if self.get(category) <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keep the categories seen more than ``min_frequency`` times (and fewer than
        ``max_frequency``, if > 0), renumbered 1..n by falling frequency, ties by value."""
        # Sort by value (strings after non-strings), then stably by falling frequency.
        by_value = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str),
                                                                item[0]))
        self._freq = sorted(by_value, key=lambda item: item[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        index = 1
        for category, count in self._freq:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = index
            index += 1
            if self._support_reverse:
                self._reverse_mapping.append(category)
        # TF 1.15 keeps the first index - 1 frequencies of the sorted list, which are not
        # the kept categories when max_frequency skipped some; kept as it was.
        self._freq = dict(self._freq[:index - 1])

    def reverse(self, class_id):
        """The category of id ``class_id`` (the unknown token for 0)."""
        if not self._support_reverse:
            raise ReverseNotSupported("This vocabulary wasn't initialized with "
                                      "support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]
