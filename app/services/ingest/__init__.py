"""The ingest service: the one write path for every figure."""

from app.services.ingest.service import (
    ImportRequest,
    ImportResult,
    get_batch_report,
    import_batch,
)
from app.services.ingest.snapshots import (
    SnapshotInfo,
    batch_snapshots,
    known_companies,
    last_published_rows,
    latest_announced_waits,
    mark_approved,
    record_unpublished_batch,
    snapshot_content,
    store_snapshot,
    sync_source,
    unpublished_batch,
)

__all__ = [
    "ImportRequest",
    "ImportResult",
    "SnapshotInfo",
    "batch_snapshots",
    "get_batch_report",
    "import_batch",
    "known_companies",
    "last_published_rows",
    "latest_announced_waits",
    "mark_approved",
    "record_unpublished_batch",
    "snapshot_content",
    "store_snapshot",
    "sync_source",
    "unpublished_batch",
]
