"""The ingest service: the one write path for every figure."""

from app.services.ingest.service import (
    ImportRequest,
    ImportResult,
    get_batch_report,
    import_batch,
)

__all__ = ["ImportRequest", "ImportResult", "get_batch_report", "import_batch"]
