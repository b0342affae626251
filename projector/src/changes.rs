//! What a projection does to its tables, as data.
//!
//! A projection turns an event into [`Change`]s instead of running SQL itself, so that the same decisions
//! serve two very different writers: the live projector executes each change as one SQL statement inside
//! the event's transaction ([`Change::execute`]), while a rebuild folds millions of changes into
//! [`MemoryTables`] and writes the final rows once, with `COPY` ([`MemoryTables::write`]). Both give the same
//! rows because the in-memory semantics mirror the SQL ones: an insert keeps an existing row, an update
//! touches only an existing row (and only one older than the event when it carries a version), a delete
//! removes every row whose key starts with the given values.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projections::Tables;

/// A read-model table and the columns of its primary key, in key order.
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub key: &'static [&'static str],
}

pub const USERS: Table = Table {
    name: "rm_users",
    key: &["user_id"],
};
pub const DATA_SOURCES: Table = Table {
    name: "rm_data_sources",
    key: &["id"],
};
pub const DATASETS: Table = Table {
    name: "rm_datasets",
    key: &["id"],
};
pub const DATASET_VERSIONS: Table = Table {
    name: "rm_dataset_versions",
    key: &["dataset_id", "dataset_version"],
};
pub const CHARTS: Table = Table {
    name: "rm_charts",
    key: &["id"],
};
pub const DASHBOARDS: Table = Table {
    name: "rm_dashboards",
    key: &["id"],
};
pub const DASHBOARD_TILES: Table = Table {
    name: "rm_dashboard_tiles",
    key: &["dashboard_id", "tile_id"],
};
pub const GRANTS: Table = Table {
    name: "rm_grants",
    key: &["resource_id", "grantee_kind", "grantee"],
};

/// Every table a projection writes.
pub const ALL_TABLES: &[&Table] = &[
    &USERS,
    &DATA_SOURCES,
    &DATASETS,
    &DATASET_VERSIONS,
    &CHARTS,
    &DASHBOARDS,
    &DASHBOARD_TILES,
    &GRANTS,
];

/// The table called `name`.
pub fn table(name: &str) -> Option<&'static Table> {
    ALL_TABLES.iter().copied().find(|table| table.name == name)
}

/// A column value, typed as PostgreSQL stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Uuid(Uuid),
    Text(String),
    OptionalText(Option<String>),
    Integer(i32),
    OptionalInteger(Option<i32>),
    BigInteger(i64),
    Bool(bool),
    Time(DateTime<Utc>),
    OptionalTime(Option<DateTime<Utc>>),
    Json(serde_json::Value),
    OptionalJson(Option<serde_json::Value>),
}

impl Value {
    /// Appends the value in `COPY ... FROM STDIN` text format: `\N` for NULL, special characters escaped.
    fn write_copy_text(&self, out: &mut String) {
        match self {
            Value::Uuid(id) => {
                let mut buffer = Uuid::encode_buffer();
                out.push_str(id.hyphenated().encode_lower(&mut buffer));
            }
            Value::Text(text) | Value::OptionalText(Some(text)) => escape_copy_text(text, out),
            Value::Integer(number) | Value::OptionalInteger(Some(number)) => {
                let _ = write!(out, "{number}");
            }
            Value::BigInteger(number) => {
                let _ = write!(out, "{number}");
            }
            Value::Bool(flag) => out.push(if *flag { 't' } else { 'f' }),
            Value::Time(time) | Value::OptionalTime(Some(time)) => {
                out.push_str(&time.to_rfc3339_opts(SecondsFormat::AutoSi, true));
            }
            Value::Json(json) | Value::OptionalJson(Some(json)) => {
                escape_copy_text(&json.to_string(), out);
            }
            Value::OptionalText(None)
            | Value::OptionalInteger(None)
            | Value::OptionalTime(None)
            | Value::OptionalJson(None) => out.push_str("\\N"),
        }
    }

    /// The value as a part of an in-memory key: unambiguous because no key column holds the separator.
    fn write_key_part(&self, out: &mut String) {
        self.write_copy_text(out);
        out.push(KEY_SEPARATOR);
    }

    fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        match self {
            Value::Uuid(id) => query.bind(id),
            Value::Text(text) => query.bind(text),
            Value::OptionalText(text) => query.bind(text),
            Value::Integer(number) => query.bind(number),
            Value::OptionalInteger(number) => query.bind(number),
            Value::BigInteger(number) => query.bind(number),
            Value::Bool(flag) => query.bind(flag),
            Value::Time(time) => query.bind(time),
            Value::OptionalTime(time) => query.bind(time),
            Value::Json(json) => query.bind(json),
            Value::OptionalJson(json) => query.bind(json),
        }
    }
}

const KEY_SEPARATOR: char = '\u{1f}';

fn escape_copy_text(text: &str, out: &mut String) {
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
}

/// Column names and their values, in the order they are written.
pub type Row = Vec<(&'static str, Value)>;

/// One change to a read-model table.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Adds a row; a row with the same key is kept as it is (a replayed creation changes nothing).
    Insert { table: &'static Table, row: Row },
    /// Adds a row, or sets `update` on the row with the same key.
    Upsert {
        table: &'static Table,
        row: Row,
        update: &'static [&'static str],
    },
    /// Sets columns on the row with `key`, and only when its `version` is below `older_than` if given
    /// (an event already applied to the row changes nothing).
    Update {
        table: &'static Table,
        key: Vec<Value>,
        older_than: Option<i32>,
        set: Row,
    },
    /// Removes every row whose key begins with `key`.
    Delete {
        table: &'static Table,
        key: Vec<Value>,
    },
}

impl Change {
    /// Executes the change as one SQL statement on the `tables` set.
    pub async fn execute(
        self,
        connection: &mut PgConnection,
        tables: Tables,
    ) -> Result<(), sqlx::Error> {
        let mut values: Vec<Value> = Vec::new();
        let mut sql = String::new();
        match self {
            Change::Insert { table, row } => {
                insert_sql(&mut sql, &tables.name(table.name), &row);
                sql.push_str(" on conflict do nothing");
                values.extend(row.into_iter().map(|(_, value)| value));
            }
            Change::Upsert { table, row, update } => {
                insert_sql(&mut sql, &tables.name(table.name), &row);
                let _ = write!(
                    sql,
                    " on conflict ({}) do update set ",
                    table.key.join(", ")
                );
                for (index, column) in update.iter().enumerate() {
                    if index > 0 {
                        sql.push_str(", ");
                    }
                    let _ = write!(sql, "{column} = excluded.{column}");
                }
                values.extend(row.into_iter().map(|(_, value)| value));
            }
            Change::Update {
                table,
                key,
                older_than,
                set,
            } => {
                let _ = write!(sql, "update {} set ", tables.name(table.name));
                for (index, (column, value)) in set.into_iter().enumerate() {
                    if index > 0 {
                        sql.push_str(", ");
                    }
                    values.push(value);
                    let _ = write!(sql, "{column} = ${}", values.len());
                }
                where_key(&mut sql, table, key, &mut values);
                if let Some(version) = older_than {
                    values.push(Value::Integer(version));
                    let _ = write!(sql, " and version < ${}", values.len());
                }
            }
            Change::Delete { table, key } => {
                let _ = write!(sql, "delete from {}", tables.name(table.name));
                where_key(&mut sql, table, key, &mut values);
            }
        }
        let mut query = sqlx::query(&sql);
        for value in values {
            query = value.bind(query);
        }
        query.execute(&mut *connection).await?;
        Ok(())
    }
}

fn insert_sql(sql: &mut String, table: &str, row: &Row) {
    let _ = write!(sql, "insert into {table} (");
    for (index, (column, _)) in row.iter().enumerate() {
        if index > 0 {
            sql.push_str(", ");
        }
        sql.push_str(column);
    }
    sql.push_str(") values (");
    for index in 1..=row.len() {
        if index > 1 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "${index}");
    }
    sql.push(')');
}

fn where_key(sql: &mut String, table: &Table, key: Vec<Value>, values: &mut Vec<Value>) {
    for (index, (column, value)) in table.key.iter().zip(key).enumerate() {
        sql.push_str(if index == 0 { " where " } else { " and " });
        values.push(value);
        let _ = write!(sql, "{column} = ${}", values.len());
    }
}

fn key_of(values: impl IntoIterator<Item = impl std::borrow::Borrow<Value>>) -> String {
    let mut key = String::new();
    for value in values {
        value.borrow().write_key_part(&mut key);
    }
    key
}

fn set_column(row: &mut Row, column: &'static str, value: Value) {
    match row.iter_mut().find(|(name, _)| *name == column) {
        Some((_, existing)) => *existing = value,
        None => row.push((column, value)),
    }
}

/// Read-model tables held in memory while a rebuild folds the event history.
#[derive(Debug, Default)]
pub struct MemoryTables {
    tables: BTreeMap<&'static str, BTreeMap<String, Row>>,
}

impl MemoryTables {
    /// Applies a change with the same outcome its SQL would have.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Insert { table, row } => {
                let key = Self::row_key(table, &row);
                self.rows(table).entry(key).or_insert(row);
            }
            Change::Upsert { table, row, update } => {
                let key = Self::row_key(table, &row);
                match self.rows(table).entry(key) {
                    std::collections::btree_map::Entry::Vacant(vacant) => {
                        vacant.insert(row);
                    }
                    std::collections::btree_map::Entry::Occupied(mut occupied) => {
                        for (column, value) in row {
                            if update.contains(&column) {
                                set_column(occupied.get_mut(), column, value);
                            }
                        }
                    }
                }
            }
            Change::Update {
                table,
                key,
                older_than,
                set,
            } => {
                let Some(row) = self.rows(table).get_mut(&key_of(&key)) else {
                    return;
                };
                if let Some(version) = older_than {
                    let current = row.iter().find_map(|(column, value)| match value {
                        Value::Integer(current) if *column == "version" => Some(*current),
                        _ => None,
                    });
                    if current.is_some_and(|current| current >= version) {
                        return;
                    }
                }
                for (column, value) in set {
                    set_column(row, column, value);
                }
            }
            Change::Delete { table, key } => {
                let prefix = key_of(&key);
                let rows = self.rows(table);
                let doomed: Vec<String> = rows
                    .range(prefix.clone()..)
                    .take_while(|(existing, _)| existing.starts_with(&prefix))
                    .map(|(existing, _)| existing.clone())
                    .collect();
                for existing in doomed {
                    rows.remove(&existing);
                }
            }
        }
    }

    /// How many rows `table` holds.
    pub fn row_count(&self, table: &Table) -> usize {
        self.tables.get(table.name).map_or(0, BTreeMap::len)
    }

    fn rows(&mut self, table: &'static Table) -> &mut BTreeMap<String, Row> {
        self.tables.entry(table.name).or_default()
    }

    fn row_key(table: &Table, row: &Row) -> String {
        let mut key = String::new();
        for column in table.key {
            if let Some((_, value)) = row.iter().find(|(name, _)| name == column) {
                value.write_key_part(&mut key);
            }
        }
        key
    }

    /// Writes every row of `table` into `target` with `COPY`, one `COPY` per set of columns (rows that never
    /// set a column leave it to its default). Returns how many rows were written.
    pub async fn write(
        &self,
        table: &Table,
        target: &str,
        connection: &mut PgConnection,
    ) -> Result<u64, sqlx::Error> {
        let Some(rows) = self.tables.get(table.name) else {
            return Ok(0);
        };
        let mut by_columns: BTreeMap<Vec<&'static str>, Vec<&Row>> = BTreeMap::new();
        for row in rows.values() {
            let mut columns: Vec<&'static str> = row.iter().map(|(column, _)| *column).collect();
            columns.sort_unstable();
            by_columns.entry(columns).or_default().push(row);
        }
        let mut written = 0;
        for (columns, rows) in by_columns {
            let statement = format!("copy {target} ({}) from stdin", columns.join(", "));
            let mut copy = connection.copy_in_raw(&statement).await?;
            let mut buffer = String::with_capacity(COPY_CHUNK + 4096);
            for row in rows {
                for (index, column) in columns.iter().enumerate() {
                    if index > 0 {
                        buffer.push('\t');
                    }
                    if let Some((_, value)) = row.iter().find(|(name, _)| name == column) {
                        value.write_copy_text(&mut buffer);
                    }
                }
                buffer.push('\n');
                if buffer.len() >= COPY_CHUNK {
                    copy.send(std::mem::take(&mut buffer).into_bytes()).await?;
                    buffer.reserve(COPY_CHUNK + 4096);
                }
            }
            if !buffer.is_empty() {
                copy.send(buffer.into_bytes()).await?;
            }
            written += copy.finish().await?;
        }
        Ok(written)
    }
}

/// How much `COPY` text is sent at a time.
const COPY_CHUNK: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn dashboard(id: Uuid, version: i32, name: &str) -> Change {
        Change::Insert {
            table: &DASHBOARDS,
            row: vec![
                ("id", Value::Uuid(id)),
                ("name", Value::Text(name.to_owned())),
                ("version", Value::Integer(version)),
            ],
        }
    }

    fn name_of(memory: &MemoryTables, id: Uuid) -> Option<Value> {
        memory.tables["rm_dashboards"][&key_of([Value::Uuid(id)])]
            .iter()
            .find(|(column, _)| *column == "name")
            .map(|(_, value)| value.clone())
    }

    #[test]
    fn inserting_a_row_twice_keeps_the_first() {
        let id = Uuid::now_v7();
        let mut memory = MemoryTables::default();
        memory.apply(dashboard(id, 1, "First"));
        memory.apply(dashboard(id, 1, "Second"));
        assert_eq!(memory.row_count(&DASHBOARDS), 1);
        assert_eq!(name_of(&memory, id), Some(Value::Text("First".into())));
    }

    #[test]
    fn an_update_with_a_version_applies_only_to_older_rows() {
        let id = Uuid::now_v7();
        let mut memory = MemoryTables::default();
        memory.apply(dashboard(id, 3, "Current"));
        let rename = |older_than, name: &str| Change::Update {
            table: &DASHBOARDS,
            key: vec![Value::Uuid(id)],
            older_than: Some(older_than),
            set: vec![
                ("version", Value::Integer(older_than)),
                ("name", Value::Text(name.to_owned())),
            ],
        };
        memory.apply(rename(3, "Replayed"));
        assert_eq!(name_of(&memory, id), Some(Value::Text("Current".into())));
        memory.apply(rename(4, "Renamed"));
        assert_eq!(name_of(&memory, id), Some(Value::Text("Renamed".into())));
    }

    #[test]
    fn an_update_of_a_missing_row_changes_nothing() {
        let mut memory = MemoryTables::default();
        memory.apply(Change::Update {
            table: &DASHBOARDS,
            key: vec![Value::Uuid(Uuid::now_v7())],
            older_than: None,
            set: vec![("name", Value::Text("Ghost".into()))],
        });
        assert_eq!(memory.row_count(&DASHBOARDS), 0);
    }

    #[test]
    fn deleting_by_a_key_prefix_removes_only_the_rows_under_it() {
        let kept = Uuid::now_v7();
        let removed = Uuid::now_v7();
        let mut memory = MemoryTables::default();
        for resource in [kept, removed] {
            for grantee in ["alice", "bob"] {
                memory.apply(Change::Upsert {
                    table: &GRANTS,
                    row: vec![
                        ("resource_id", Value::Uuid(resource)),
                        ("grantee_kind", Value::Text("user".into())),
                        ("grantee", Value::Text(grantee.into())),
                        ("access", Value::Text("view".into())),
                    ],
                    update: &["access"],
                });
            }
        }
        memory.apply(Change::Delete {
            table: &GRANTS,
            key: vec![Value::Uuid(removed)],
        });
        assert_eq!(memory.row_count(&GRANTS), 2);
        assert!(
            memory.tables["rm_grants"]
                .keys()
                .all(|key| key.starts_with(&key_of([Value::Uuid(kept)])))
        );
    }

    #[test]
    fn an_upsert_changes_only_the_columns_it_names() {
        let resource = Uuid::now_v7();
        let grant = |access: &str, resource_type: &str| Change::Upsert {
            table: &GRANTS,
            row: vec![
                ("resource_type", Value::Text(resource_type.into())),
                ("resource_id", Value::Uuid(resource)),
                ("grantee_kind", Value::Text("role".into())),
                ("grantee", Value::Text("viewer".into())),
                ("access", Value::Text(access.into())),
            ],
            update: &["access"],
        };
        let mut memory = MemoryTables::default();
        memory.apply(grant("view", "chart"));
        memory.apply(grant("edit", "dashboard"));
        let row = memory.tables["rm_grants"].values().next().unwrap();
        assert!(row.contains(&("access", Value::Text("edit".into()))));
        assert!(row.contains(&("resource_type", Value::Text("chart".into()))));
    }

    #[test]
    fn copy_text_escapes_what_would_break_a_line_and_marks_nulls() {
        let mut out = String::new();
        Value::Text("tab\there\nnew\\line".into()).write_copy_text(&mut out);
        out.push('|');
        Value::OptionalInteger(None).write_copy_text(&mut out);
        out.push('|');
        Value::Json(serde_json::json!({"a": "b\tc"})).write_copy_text(&mut out);
        assert_eq!(out, "tab\\there\\nnew\\\\line|\\N|{\"a\":\"b\\\\tc\"}");
    }
}
