"""Spaced review with FSRS: a question the agent missed gets a card; each later answer reviews it."""
from __future__ import annotations

import datetime as dt

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select

from ..store.training_models import ReviewCard

_scheduler = Scheduler(enable_fuzzing=False)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def rating_for(score: float) -> Rating:
    if score >= 1:
        return Rating.Good
    if score >= 0.5:
        return Rating.Hard
    return Rating.Again


def record(session, user_id: int, question_id: str, score: float, when: dt.datetime) -> ReviewCard | None:
    """Review (or create, when missed) the agent's card for a question. Call inside a write txn."""
    card_row = session.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.question_id == question_id))
    if card_row is None:
        if score >= 1:
            return None  # only missed questions enter review
        # an explicit id: fsrs otherwise sleeps 1 ms per new card to keep its clock-based ids
        # unique, inside this write transaction (a submit creates up to one card per question)
        card = Card(card_id=int(_aware(when).timestamp() * 1000))
        card_row = ReviewCard(user_id=user_id, question_id=question_id, reviews=0, lapses=0)
        session.add(card_row)
    else:
        card = Card.from_dict(card_row.state)
    rating = rating_for(score)
    card, _log = _scheduler.review_card(card, rating, _aware(when))
    card_row.state = card.to_dict()
    card_row.due = _naive(card.due)
    card_row.reviews = (card_row.reviews or 0) + 1
    card_row.lapses = (card_row.lapses or 0) + (rating == Rating.Again)
    return card_row


def due(session, user_id: int, now: dt.datetime, limit: int = 100) -> list[ReviewCard]:
    return list(session.scalars(select(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.due <= now)
                                .order_by(ReviewCard.due).limit(limit)))
