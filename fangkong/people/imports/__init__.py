"""The register from a spreadsheet: arrivals (返乡人员登记表) and household residents.

Both importers read the headers people already use on the paper registers, in any order, from xlsx, xls or CSV.
Rows are checked in chunks: the persons a chunk names are looked up by ID-number hash in one query,
origins and areas come from dictionaries built once, so a row costs no query. Arrivals are then
written in bulk, a chunk at a time (``ArrivalImporter.write_rows``), with the same effects as
``services.register_arrival``: an origin in a risk area in force on the arrival date flags the person.

One module per importer, and ``shared`` for the cell parsers and the ``RegisterImporter`` base.
"""

from .arrivals import ArrivalImporter
from .persons import PersonImporter
from .shared import parse_date

# The kinds the import API (people.api.imports) accepts.
IMPORTERS = {"arrivals": ArrivalImporter, "persons": PersonImporter}

__all__ = ["IMPORTERS", "ArrivalImporter", "PersonImporter", "parse_date"]
