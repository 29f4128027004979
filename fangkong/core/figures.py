"""Figures the pages and reports show, computed one way everywhere."""


def percent(part, whole):
    """``part`` of ``whole`` in whole percent, rounded down (99.6 % is not complete); None when
    there is nothing to count."""
    return part * 100 // whole if whole else None
