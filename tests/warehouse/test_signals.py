"""Signals are a history of changes: a reading equal to the latest stored one adds nothing."""

from __future__ import annotations

from schemas import Signal
from tests.warehouse import builders
from warehouse import Warehouse


def _history(warehouse: Warehouse) -> list[tuple[str, str, float]]:
    with warehouse.reader() as session:
        _, rows = session.query(
            "SELECT tool_id, name, value FROM signals ORDER BY tool_id, name, observed_at"
        )
    return rows


def test_only_changed_values_add_rows(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        assert session.record_signals([builders.signal("stars", 10), builders.signal("downloads", 300)]) == 2
        assert session.record_signals([builders.signal("stars", 10, minutes=5)]) == 0
        assert session.record_signals([builders.signal("stars", 11, minutes=10)]) == 1
        assert session.record_signals([builders.signal("stars", 10, minutes=15)]) == 1
    assert _history(warehouse) == [
        (builders.OTTER_ID, "downloads", 300.0),
        (builders.OTTER_ID, "stars", 10.0),
        (builders.OTTER_ID, "stars", 11.0),
        (builders.OTTER_ID, "stars", 10.0),
    ]


def test_repeats_within_one_call_are_compared_with_each_other(warehouse: Warehouse) -> None:
    readings = [
        builders.signal("stars", 5),
        builders.signal("stars", 5, minutes=1),
        builders.signal("stars", 6, minutes=2),
        builders.signal("stars", 5, tool_id=builders.HERON_ID),
    ]
    with warehouse.writer() as session:
        assert session.record_signals(readings) == 3
        assert session.record_signals([]) == 0
    assert len(_history(warehouse)) == 3


def test_the_profile_shows_the_latest_value_per_signal(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool())
        session.record_signals([builders.signal("stars", 10), builders.signal("stars", 12, minutes=30)])
    with warehouse.reader() as session:
        (latest,) = session.tool_profile(builders.OTTER_ID).signals
    assert latest == Signal(
        tool_id=builders.OTTER_ID,
        name="stars",
        value=12,
        observed_at=builders.T0.replace(minute=30),
        source="tests",
    )
