"""Writes to the register: one transaction each, change-logged, deduplicated by ID number.

One module per topic; views, API and importers call them through this package (``services.save_person``)."""

from .arrivals import ArrivalRegistered, apply_risk_area, register_arrival, register_arrival_of, save_arrival
from .households import (
    ASSIGN_ROLES,
    add_member,
    assign_households,
    assign_key_persons,
    responsible_candidates,
    save_household,
)
from .identity import (
    MAY_NOT_REVEAL,
    NAME_OR_ID_NUMBER,
    REGISTERED_ELSEWHERE,
    REGISTERED_MEANWHILE,
    Existing,
    LookupLimitReached,
    county_name,
    find_by_id_number,
    id_number_taken,
    log_id_lookup,
    lookups_today,
    may_reveal_somewhere,
    registered_by,
    registered_elsewhere,
    registered_to,
    reveal_id_number,
    user_label,
)
from .moves import decide_move, pending_move, request_move
from .persons import merge_people, save_person
from .screening import ArrivalFound, check_round, close_round, open_round, record_visit
from .tags import add_tags, add_tags_in_bulk, check_hand_set, set_tags, tag_codes

__all__ = [
    "ASSIGN_ROLES",
    "ArrivalFound",
    "ArrivalRegistered",
    "Existing",
    "LookupLimitReached",
    "MAY_NOT_REVEAL",
    "NAME_OR_ID_NUMBER",
    "REGISTERED_ELSEWHERE",
    "REGISTERED_MEANWHILE",
    "add_member",
    "add_tags",
    "add_tags_in_bulk",
    "check_hand_set",
    "apply_risk_area",
    "assign_households",
    "assign_key_persons",
    "check_round",
    "close_round",
    "county_name",
    "decide_move",
    "find_by_id_number",
    "id_number_taken",
    "log_id_lookup",
    "lookups_today",
    "may_reveal_somewhere",
    "merge_people",
    "open_round",
    "pending_move",
    "record_visit",
    "register_arrival",
    "register_arrival_of",
    "registered_by",
    "registered_elsewhere",
    "registered_to",
    "request_move",
    "responsible_candidates",
    "reveal_id_number",
    "save_arrival",
    "save_household",
    "save_person",
    "set_tags",
    "tag_codes",
    "user_label",
]
