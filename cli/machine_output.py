"""Machine-readable output of the read commands (`--json`, `--csv`): plain text on stdout, nothing else.

No Rich, so no markup, colours, wrapping or truncation: values come out exactly as stored. JSON is an
array of objects, one per row (NaN and infinities become null). CSV has a header row, empty cells for
NULL, and nested values (lists, records) as JSON text. Dates are ISO 8601; amounts of money are exact
decimal strings in CSV and numbers in JSON.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel

from schemas import CapgraphError

MachineFormat = Literal["json", "csv"]


def chosen_format(*, as_json: bool, as_csv: bool) -> MachineFormat | None:
    """The format the flags ask for; None for the human tables; both at once is refused."""
    if as_json and as_csv:
        raise CapgraphError("--json and --csv were both given", subject="output", hint="pick one of them")
    return "json" if as_json else "csv" if as_csv else None


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses and models become objects, dates ISO strings (decimals
    stay exact until written)."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool | Decimal):
        return value
    return str(value)


def field_names(row_type: type) -> list[str]:
    """The columns of a dataclass or pydantic row type, in declaration order."""
    if issubclass(row_type, BaseModel):
        return list(row_type.model_fields)
    if dataclasses.is_dataclass(row_type):
        return [field.name for field in dataclasses.fields(row_type)]
    raise TypeError(f"{row_type.__name__} is neither a dataclass nor a pydantic model")


def write_items(
    output_format: MachineFormat, items: Sequence[Any], row_type: type, stream: TextIO | None = None
) -> None:
    """Write dataclass or model rows of ``row_type`` (their fields are the columns)."""
    columns = field_names(row_type)
    records = [plain(item) for item in items]
    write_rows(output_format, columns, [[record[column] for column in columns] for record in records], stream)


def write_rows(
    output_format: MachineFormat,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    stream: TextIO | None = None,
) -> None:
    """Write a result of ``columns`` and ``rows`` to ``stream`` (stdout by default)."""
    out = stream if stream is not None else sys.stdout
    if output_format == "json":
        records = [
            {column: _finite(plain(value)) for column, value in zip(columns, row, strict=True)}
            for row in rows
        ]
        out.write(json.dumps(records, ensure_ascii=False, indent=2, default=_json_number) + "\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(plain(value)) for value in row])


def write_document(
    document: Mapping[str, Any] | Sequence[Mapping[str, Any]], stream: TextIO | None = None
) -> None:
    """Write one JSON object (a command whose answer is one thing, such as a tool's profile), or a list
    of such objects."""
    out = stream if stream is not None else sys.stdout
    out.write(json.dumps(_finite(plain(document)), ensure_ascii=False, indent=2, default=_json_number) + "\n")


def _finite(value: Any) -> Any:
    """NaN and infinities as null: JSON has no such numbers, and a reader must not choke on them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _json_number(value: Any) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
