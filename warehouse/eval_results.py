"""Writing and reading ``eval_runs`` and ``eval_tool_results``: the history of ``capgraph eval``."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from schemas.evaluation import EvalRun, EvalToolResult
from warehouse.named_rows import named_row, named_rows
from warehouse.values import as_utc, plain_decimal

_TOOL_COLUMNS = tuple(EvalToolResult.model_fields)
_RUN_COLUMNS = (
    "eval_id, ingest_id, started_at, finished_at, gold_root, extractor, model, prompt_version, cost_usd"
)


def write_eval_run(connection: duckdb.DuckDBPyConnection, run: EvalRun) -> None:
    """Insert one evaluation and its per-tool rows; the caller holds the transaction."""
    values = {
        "eval_id": run.eval_id,
        "ingest_id": run.ingest_id,
        "started_at": as_utc(run.started_at),
        "finished_at": as_utc(run.finished_at),
        "gold_root": run.gold_root,
        "extractor": run.extractor,
        "model": run.model,
        "prompt_version": run.prompt_version,
        "cost_usd": run.cost_usd,
        **run.figures(),
    }
    connection.execute(
        f"INSERT INTO eval_runs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        list(values.values()),
    )
    connection.executemany(
        f"INSERT INTO eval_tool_results (eval_id, {', '.join(_TOOL_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(_TOOL_COLUMNS) + 1))})",
        [[run.eval_id, *(getattr(tool, column) for column in _TOOL_COLUMNS)] for tool in run.tools],
    )


def read_eval_runs(connection: duckdb.DuckDBPyConnection, *, limit: int) -> list[EvalRun]:
    """The newest ``limit`` evaluations, newest first, each with its per-tool rows."""
    runs = named_rows(
        connection.execute(
            f"SELECT {_RUN_COLUMNS} FROM eval_runs ORDER BY started_at DESC, eval_id LIMIT ?",
            [limit],
        )
    )
    return [_with_tools(connection, row) for row in runs]


def read_eval_run(connection: duckdb.DuckDBPyConnection, eval_id: str) -> EvalRun | None:
    """One evaluation by id (or by a unique prefix of it), or None."""
    row = named_row(
        connection.execute(
            f"SELECT {_RUN_COLUMNS} FROM eval_runs WHERE starts_with(eval_id, ?) "
            "QUALIFY count(*) OVER () = 1",
            [eval_id],
        )
    )
    return None if row is None else _with_tools(connection, row)


def _with_tools(connection: duckdb.DuckDBPyConnection, row: dict[str, object]) -> EvalRun:
    tools = named_rows(
        connection.execute(
            f"SELECT {', '.join(_TOOL_COLUMNS)} FROM eval_tool_results WHERE eval_id = ? ORDER BY gold_id",
            [row["eval_id"]],
        )
    )
    return EvalRun.model_validate(
        {
            **row,
            "cost_usd": plain_decimal(cost) if isinstance(cost := row["cost_usd"], Decimal) else None,
            "tools": [EvalToolResult.model_validate(tool) for tool in tools],
        }
    )
