from .publicity import coverage, coverage_area, mark_relayed, relay_grids, save_notice

__all__ = ["coverage", "coverage_area", "mark_relayed", "relay_grids", "save_notice"]
