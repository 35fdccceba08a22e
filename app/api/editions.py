"""``GET /api/v1/editions/{id}``: an edition as JSON, with its notes and frozen rankings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.api.models import Edition as EditionModel
from app.deps import ReadSessionDep
from app.models import Edition
from app.openapi import CACHED, answers
from app.schemas import MAX_INT
from app.services.editions import edition_files, edition_notes, rows_of

router = APIRouter(prefix="/api/v1/editions", tags=["editions"])
EditionId = Annotated[int, Path(ge=1, le=MAX_INT, examples=[1])]


def _edition_json(session: Session, edition: Edition) -> dict[str, Any]:
    return {
        "id": edition.id,
        "title": edition.title,
        "period": edition.period,
        "published_at": edition.published_at.isoformat(),
        "sha256": edition.sha256,
        "notes": [
            {"created_at": n.created_at.isoformat(), "text": n.text}
            for n in edition_notes(session, edition.id)
        ],
        "rankings": [
            {
                "metric": f.metric,
                "channel": f.channel or None,
                "csv": f"/editions/{edition.id}/rankings.csv?metric={f.metric}"
                + (f"&channel={f.channel}" if f.channel else ""),
                "rows": rows_of(f.content),
            }
            for f in edition_files(session, edition.id)
        ],
    }


@router.get(
    "/{edition_id}",
    response_model=None,
    responses={200: {"model": EditionModel}, **answers(*CACHED, 404, 422)},
)
def edition_json(edition_id: EditionId, session: ReadSessionDep) -> JSONResponse:
    """An edition: never changes but for correction notes added to it."""
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise HTTPException(404, detail=f"there is no edition {edition_id}")
    return JSONResponse(_edition_json(session, edition))
