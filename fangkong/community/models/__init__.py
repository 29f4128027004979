"""Community work, one module per topic: ``help`` (needs of households in difficulty) and ``publicity``
(notices relayed to every grid, rumours refuted, policy answers)."""

from .help import Need, NeedQuerySet
from .publicity import PUBLISHING_LEVELS, Notice, NoticeRelay, Question, RelayMethod, Rumour, check_publishing_area

__all__ = [
    "PUBLISHING_LEVELS",
    "Need",
    "NeedQuerySet",
    "Notice",
    "NoticeRelay",
    "Question",
    "RelayMethod",
    "Rumour",
    "check_publishing_area",
]
