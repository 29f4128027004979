"""A long list decided from a light query and read in full only where it is shown.

Lists such as today's work or the missed checks decide which rows they hold in Python (windows of
the protocol, test days, one row per household), so they cannot be paged in SQL. ``DecidedRows``
keeps what decided them as plain values (a primary key and a payload per row, from one
``values_list`` query over every candidate) and reads the model instances only for the slice asked
for: a page of 50 costs one more query, whatever the list's length, and its count is the length
of what was decided (no COUNT query). Iterating the whole list reads every row, in chunks.
"""

from collections.abc import Sequence

PAGE_SIZE = 50  # rows on a page of such a list, as on the generic lists (core.views.ObjectListView)
CHUNK = 2000  # rows read by one query when the whole list is iterated (a bound on the IN list)


class DecidedRows(Sequence):
    """``decided``: (pk, payload) in the list's order (a pk may appear more than once); ``read(pks)``:
    the instances of those pks (any order, one query); ``build(instance, payload)``: a row."""

    def __init__(self, decided, read, build):
        self.decided, self.read, self.build = decided, read, build

    def __len__(self):
        return len(self.decided)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.decided[index]
            instances = {}
            pks = list(dict.fromkeys(pk for pk, _payload in wanted))
            for start in range(0, len(pks), CHUNK):
                instances.update((row.pk, row) for row in self.read(pks[start : start + CHUNK]))
            return [self.build(instances[pk], payload) for pk, payload in wanted if pk in instances]
        rows = self[index : index + 1 or None]
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self):
        for start in range(0, len(self.decided), CHUNK):
            yield from self[start : start + CHUNK]

    def __eq__(self, other):
        return list(self) == list(other)

    __hash__ = None

    def __repr__(self):
        return f"<DecidedRows of {len(self)}>"
