"""Convert an archive: inputs discovered, converted in worker processes with deadlines, cached, published.

``convert`` (run) is the entry point; ``pool`` runs the workers, ``ids`` assigns report ids, ``cache`` keeps
results by content, ``inputs`` expands folders and globs.
"""

from kompass_extract.batch.ids import assign_report_ids
from kompass_extract.batch.results import RunSummary
from kompass_extract.batch.run import convert
from kompass_extract.write.tables import base_report_id

__all__ = ["RunSummary", "assign_report_ids", "base_report_id", "convert"]
