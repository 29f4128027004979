"""The chain of transmission from a case: its contacts, their contacts, and so on, as a tree."""

from dataclasses import dataclass, field

from fangkong.core.roles import Action

from .models import Contact

# Deep enough for any real chain; a bound keeps a page from walking a cycle of data entry mistakes.
MAX_DEPTH = 10


@dataclass
class Node:
    contact: Contact
    children: list = field(default_factory=list)


def chain(case, user):
    """The contacts the user may see, nested under whom they met: one query per generation.
    A person appears once, under the first contact that reached them."""
    visible = Contact.objects.restrict(user, Action.VIEW).select_related("person", "area__parent")
    roots = [Node(contact) for contact in visible.filter(source_case=case).order_by("last_contact_on", "pk")]
    seen = {case.person_id}
    level = []
    for node in roots:
        if node.contact.person_id not in seen:
            seen.add(node.contact.person_id)
            level.append(node)
    roots = list(level)
    for _depth in range(MAX_DEPTH):
        if not level:
            break
        by_person = {node.contact.person_id: node for node in level}
        level = []
        for contact in visible.filter(source_person__in=by_person).order_by("last_contact_on", "pk"):
            if contact.person_id in seen:
                continue
            seen.add(contact.person_id)
            node = Node(contact)
            by_person[contact.source_person_id].children.append(node)
            level.append(node)
    return roots
