"""The history of earlier messages that the cross-message rules (levels 3 and 4) read.

``model`` defines the records and the read-only ``History`` protocol (plus ``Recorder``
for the writing side), ``extract`` turns messages into records, ``state`` derives what
is current or open, ``memory`` keeps it all in memory, and ``service`` records what a
validator judged (``validate_and_record``, ``replay``); the rules' stage that reads a
history is ``rules.stages.cross_message``. See docs/history.md.
"""

from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.history.model import History, HistoryStore, Recorder, TaskBased

__all__ = ["History", "HistoryStore", "InMemoryHistory", "Recorder", "TaskBased"]
