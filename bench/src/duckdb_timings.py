"""The baseline of the chart-engine benchmark: DuckDB running the same chart queries over the same file.

Reads one JSON request from standard input:
    {"format": "parquet" | "csv", "path": "...", "threads": 2, "runs": 3,
     "queries": [{"name": "...", "sql": "..."}, ...]}
and prints one JSON answer on standard output:
    {"queries": [{"name": "...", "timings_ms": [...], "rows": n}, ...],
     "max_rss_kib": ..., "max_rss_before_kib": ...}

Every query reads the file anew through the view `dataset`, as a chart request does: there is no table
loaded in advance, and for CSV the file is parsed again for every query.
"""
import json
import resource
import sys
import time

import duckdb


def peak_rss_kib():
    # On Linux ru_maxrss is in kibibytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    request = json.load(sys.stdin)
    # The interpreter and the DuckDB module alone take some memory; it is reported so that the reader
    # can tell it apart from what the queries needed.
    max_rss_before_kib = peak_rss_kib()
    connection = duckdb.connect()
    connection.execute(f"SET threads TO {int(request['threads'])}")
    # A query that runs for more than two seconds would otherwise draw a progress bar on standard
    # output, in the way of the answer.
    connection.execute("SET enable_progress_bar = false")
    quoted = request["path"].replace("'", "''")
    if request["format"] == "parquet":
        source = f"read_parquet('{quoted}')"
    else:
        source = f"read_csv('{quoted}', auto_detect=true)"
    # The view is all the queries see. Timestamps stay as the file has them (with time zone, UTC); the
    # queries themselves say how to truncate them quickly (see the benchmark's query definitions).
    connection.execute(f"CREATE VIEW dataset AS SELECT * FROM {source}")

    answers = []
    for query in request["queries"]:
        timings_ms = []
        rows = 0
        for _ in range(int(request["runs"])):
            started = time.perf_counter()
            rows = len(connection.execute(query["sql"]).fetchall())
            timings_ms.append((time.perf_counter() - started) * 1000.0)
        answers.append({"name": query["name"], "timings_ms": timings_ms, "rows": rows})
    # On a line of its own, after anything DuckDB may have printed; the benchmark reads the last line.
    print()
    json.dump(
        {
            "queries": answers,
            "max_rss_kib": peak_rss_kib(),
            "max_rss_before_kib": max_rss_before_kib,
        },
        sys.stdout,
    )


main()
