"""Runs one SQL query in DuckDB over a Parquet file exposed as the view `dataset`, and prints the
result as JSON: {"columns": [...], "rows": [[...], ...]}. The chart engine's tests compare their
results with this reference engine."""
import datetime
import decimal
import json
import sys

import duckdb


def value(cell):
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int):
        return cell if -(2**63) <= cell < 2**64 else str(cell)
    if isinstance(cell, decimal.Decimal):
        if cell == cell.to_integral_value():
            return value(int(cell))
        return float(cell)
    if isinstance(cell, float):
        return cell
    if isinstance(cell, datetime.datetime):
        if cell.tzinfo is not None:
            cell = cell.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return cell.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".") + "Z"
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def main():
    parquet, sql = sys.argv[1], sys.argv[2]
    connection = duckdb.connect(config={"threads": 2})
    # Time-zone-aware timestamps need DuckDB's ICU extension, which is downloaded on demand; the stored
    # timestamps are UTC, so the reference reads them as plain UTC timestamps instead.
    quoted = parquet.replace("'", "''")
    connection.execute(f"CREATE VIEW raw_dataset AS SELECT * FROM read_parquet('{quoted}')")
    zoned = [
        name
        for name, kind, *_ in connection.execute("DESCRIBE raw_dataset").fetchall()
        if kind == "TIMESTAMP WITH TIME ZONE"
    ]
    replace = ", ".join(f'"{name}"::TIMESTAMP AS "{name}"' for name in zoned)
    select = f"SELECT * REPLACE ({replace}) FROM raw_dataset" if zoned else "SELECT * FROM raw_dataset"
    connection.execute(f"CREATE VIEW dataset AS {select}")
    result = connection.execute(sql)
    columns = [description[0] for description in result.description]
    rows = [[value(cell) for cell in row] for row in result.fetchall()]
    json.dump({"columns": columns, "rows": rows}, sys.stdout)


main()
