//! What a projection does to its tables, as data.
//!
//! A projection turns an event into [`Change`]s instead of running SQL itself, so that the same decisions
//! serve two very different writers: the live projector executes each change as one SQL statement inside
//! the event's transaction ([`Change::execute`]), while a rebuild folds millions of changes into
//! [`MemoryTables`] and writes the final rows once, with `COPY` ([`MemoryTables::write`]). Both give the same
//! rows because the in-memory semantics mirror the SQL ones: an insert keeps an existing row, an update
//! touches only an existing row (and only one older than the event when it carries a version), a delete
//! removes every row whose key starts with the given values.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use futures::{StreamExt, TryStreamExt};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
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
    /// Appends the value as a field of `COPY ... FROM STDIN (FORMAT binary)`: its length, then PostgreSQL's
    /// binary form of the column's type (the types of the read models' columns, which the variants follow),
    /// or the length -1 for NULL. Binary fields cost the server no parsing: the same rows load in half the
    /// time that text takes.
    fn write_copy_binary(&self, out: &mut Vec<u8>) {
        fn field(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        match self {
            Value::Uuid(id) => field(out, id.as_bytes()),
            Value::Text(text) | Value::OptionalText(Some(text)) => field(out, text.as_bytes()),
            Value::Integer(number) | Value::OptionalInteger(Some(number)) => {
                field(out, &number.to_be_bytes())
            }
            Value::BigInteger(number) => field(out, &number.to_be_bytes()),
            Value::Bool(flag) => field(out, &[u8::from(*flag)]),
            Value::Time(time) | Value::OptionalTime(Some(time)) => {
                let since_postgres_epoch = time.timestamp_micros() - POSTGRES_EPOCH_MICROSECONDS;
                field(out, &since_postgres_epoch.to_be_bytes());
            }
            Value::Json(json) | Value::OptionalJson(Some(json)) => {
                // A jsonb is its format version (1) and the JSON text.
                let length_at = out.len();
                out.extend_from_slice(&[0; 4]);
                out.push(1);
                serde_json::to_writer(&mut *out, json).expect("a JSON value writes into memory");
                let length = (out.len() - length_at - 4) as i32;
                out[length_at..length_at + 4].copy_from_slice(&length.to_be_bytes());
            }
            Value::OptionalText(None)
            | Value::OptionalInteger(None)
            | Value::OptionalTime(None)
            | Value::OptionalJson(None) => out.extend_from_slice(&(-1_i32).to_be_bytes()),
        }
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

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const POSTGRES_EPOCH_MICROSECONDS: i64 = 946_684_800_000_000;

/// What opens a binary `COPY`: the signature, no flags, no header extension.
const BINARY_COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

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

/// One column of a primary key, in a form that hashes and compares cheaply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyPart {
    Uuid(Uuid),
    Integer(i32),
    Text(String),
    /// Any other type, by its debug text; no read model has such a key column today.
    Other(String),
}

impl KeyPart {
    fn of(value: &Value) -> KeyPart {
        match value {
            Value::Uuid(id) => KeyPart::Uuid(*id),
            Value::Integer(number) => KeyPart::Integer(*number),
            Value::Text(text) => KeyPart::Text(text.clone()),
            other => KeyPart::Other(format!("{other:?}")),
        }
    }
}

/// A row's primary key, or the start of one: the first column apart, so that a one-column key (most read
/// models) needs no allocation beyond its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RowKey {
    first: KeyPart,
    rest: Vec<KeyPart>,
}

impl RowKey {
    /// The key made of `values`, or `None` when there are none.
    fn of<'v>(values: impl IntoIterator<Item = &'v Value>) -> Option<RowKey> {
        let mut values = values.into_iter();
        let first = KeyPart::of(values.next()?);
        Some(RowKey {
            first,
            rest: values.map(KeyPart::of).collect(),
        })
    }
}

/// A row held in memory in the form a binary `COPY` sends it: a rebuild holds every row of every read
/// model at once, and this form takes a third of the memory that column names beside typed values take,
/// and needs no work to be written.
#[derive(Debug, Default)]
struct EncodedRow {
    /// Which of its table's known columns the row has set: bit `i` for `MemoryTable::columns[i]`.
    present: u64,
    /// The fields of those columns in the order of their bits, each its length and its bytes (see
    /// [`Value::write_copy_binary`]).
    fields: Vec<u8>,
}

impl EncodedRow {
    /// The row's fields with their column indexes, in column order; each field with its length.
    fn fields(&self) -> impl Iterator<Item = (usize, &[u8])> {
        let mut at = 0;
        bits(self.present).map(move |index| {
            let field_length = copy_field_length(&self.fields[at..]);
            let field = &self.fields[at..at + field_length];
            at += field_length;
            (index, field)
        })
    }
}

/// The indexes of the bits set in `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let index = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(index)
    })
}

/// How many bytes the binary `COPY` field at the start of `bytes` takes, its length included.
fn copy_field_length(bytes: &[u8]) -> usize {
    let length = i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    4 + usize::try_from(length).unwrap_or(0)
}

/// The rows of one table held in memory.
#[derive(Debug, Default)]
struct MemoryTable {
    /// The columns the table's rows have set so far, in the order they were first seen.
    columns: Vec<&'static str>,
    rows: HashMap<RowKey, EncodedRow>,
    /// For a key of several columns, the rest of every key under each first column, in order: what a delete
    /// by a shorter key prefix (every grant of a resource) walks instead of the whole table.
    rests: HashMap<KeyPart, BTreeSet<Vec<KeyPart>>>,
    /// Where a row is encoded before it is copied into a buffer of its exact size.
    scratch: Vec<u8>,
}

impl MemoryTable {
    /// Adds `row` under `key` unless a row has that key.
    fn insert(&mut self, key: RowKey, row: Row) {
        if let Entry::Vacant(vacant) = self.rows.entry(key) {
            if !vacant.key().rest.is_empty() {
                self.rests
                    .entry(vacant.key().first.clone())
                    .or_default()
                    .insert(vacant.key().rest.clone());
            }
            vacant.insert(encode(&mut self.columns, &mut self.scratch, None, row));
        }
    }

    /// Sets `values` on the row with `key`, if there is one and, when `older_than` is given, its version is
    /// below it.
    fn update(&mut self, key: &RowKey, older_than: Option<i32>, values: Row) {
        let Some(existing) = self.rows.get_mut(key) else {
            return;
        };
        if let Some(version) = older_than {
            let current = self
                .columns
                .iter()
                .position(|column| *column == "version")
                .and_then(|index| existing.fields().find(|(at, _)| *at == index))
                .and_then(|(_, field)| <[u8; 8]>::try_from(field).ok())
                .map(|field| i32::from_be_bytes([field[4], field[5], field[6], field[7]]));
            if current.is_some_and(|current| current >= version) {
                return;
            }
        }
        let updated = encode(&mut self.columns, &mut self.scratch, Some(existing), values);
        *existing = updated;
    }

    /// Removes every row whose key begins with `prefix`.
    fn delete(&mut self, table: &Table, prefix: RowKey) {
        if prefix.rest.len() + 1 >= table.key.len() {
            if self.rows.remove(&prefix).is_some()
                && !prefix.rest.is_empty()
                && let Some(rests) = self.rests.get_mut(&prefix.first)
            {
                rests.remove(&prefix.rest);
                if rests.is_empty() {
                    self.rests.remove(&prefix.first);
                }
            }
            return;
        }
        let Some(rests) = self.rests.get_mut(&prefix.first) else {
            return;
        };
        let doomed: Vec<Vec<KeyPart>> = rests
            .range(prefix.rest.clone()..)
            .take_while(|rest| rest.starts_with(&prefix.rest))
            .cloned()
            .collect();
        for rest in doomed {
            rests.remove(&rest);
            self.rows.remove(&RowKey {
                first: prefix.first.clone(),
                rest,
            });
        }
        if rests.is_empty() {
            self.rests.remove(&prefix.first);
        }
    }
}

/// Encodes `values` as a row, over the fields of `base` when given: a value replaces the base's field of
/// its column, and when a column comes twice the later value wins, as consecutive SQL assignments would.
/// Columns not seen before join `columns`.
fn encode(
    columns: &mut Vec<&'static str>,
    scratch: &mut Vec<u8>,
    base: Option<&EncodedRow>,
    values: Row,
) -> EncodedRow {
    let mut indexed: Vec<(usize, Value)> = values
        .into_iter()
        .map(|(column, value)| {
            let index = match columns.iter().position(|known| *known == column) {
                Some(index) => index,
                None => {
                    assert!(columns.len() < 64, "a read model has more than 64 columns");
                    columns.push(column);
                    columns.len() - 1
                }
            };
            (index, value)
        })
        .collect();
    // Stable, so that of two values of one column the later stays the later.
    indexed.sort_by_key(|(index, _)| *index);
    let mut present = base.map_or(0, |base| base.present);
    for (index, _) in &indexed {
        present |= 1 << index;
    }
    scratch.clear();
    let mut base_fields = base.into_iter().flat_map(EncodedRow::fields).peekable();
    let mut new_values = indexed.into_iter().peekable();
    for index in bits(present) {
        let base_field = base_fields.next_if(|(at, _)| *at == index);
        let mut newest = None;
        while let Some((_, value)) = new_values.next_if(|(at, _)| *at == index) {
            newest = Some(value);
        }
        match (newest, base_field) {
            (Some(value), _) => value.write_copy_binary(scratch),
            (None, Some((_, field))) => scratch.extend_from_slice(field),
            (None, None) => unreachable!("a present column has a base field or a new value"),
        }
    }
    EncodedRow {
        present,
        fields: scratch.as_slice().to_vec(),
    }
}

/// Read-model tables held in memory while a rebuild folds the event history.
#[derive(Debug, Default)]
pub struct MemoryTables {
    tables: HashMap<&'static str, MemoryTable>,
}

impl MemoryTables {
    /// Applies a change with the same outcome its SQL would have.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Insert { table, row } => {
                if let Some(key) = Self::row_key(table, &row) {
                    self.table(table).insert(key, row);
                }
            }
            Change::Upsert { table, row, update } => {
                let Some(key) = Self::row_key(table, &row) else {
                    return;
                };
                let rows = self.table(table);
                if rows.rows.contains_key(&key) {
                    let updates = row
                        .into_iter()
                        .filter(|(column, _)| update.contains(column))
                        .collect();
                    rows.update(&key, None, updates);
                } else {
                    rows.insert(key, row);
                }
            }
            Change::Update {
                table,
                key,
                older_than,
                set,
            } => {
                if let Some(key) = RowKey::of(&key) {
                    self.table(table).update(&key, older_than, set);
                }
            }
            Change::Delete { table, key } => match RowKey::of(&key) {
                Some(prefix) => self.table(table).delete(table, prefix),
                None => {
                    self.tables.remove(table.name);
                }
            },
        }
    }

    /// How many rows `table` holds.
    pub fn row_count(&self, table: &Table) -> usize {
        self.tables
            .get(table.name)
            .map_or(0, |rows| rows.rows.len())
    }

    fn table(&mut self, table: &'static Table) -> &mut MemoryTable {
        self.tables.entry(table.name).or_default()
    }

    fn row_key(table: &Table, row: &Row) -> Option<RowKey> {
        RowKey::of(table.key.iter().filter_map(|column| {
            row.iter()
                .find(|(name, _)| name == column)
                .map(|(_, value)| value)
        }))
    }

    /// Writes every row of `table` into `target` with `COPY`, one `COPY` per set of columns (rows that never
    /// set a column leave it to its default), over connections of `pool`, up to `parallel` at once: a large
    /// set of rows is cut into that many parts, which PostgreSQL inserts side by side. Returns how many rows
    /// were written.
    pub async fn write(
        &self,
        table: &Table,
        target: &str,
        pool: &PgPool,
        parallel: usize,
    ) -> Result<u64, sqlx::Error> {
        let Some(memory) = self.tables.get(table.name) else {
            return Ok(0);
        };
        let mut by_columns: BTreeMap<u64, Vec<&EncodedRow>> = BTreeMap::new();
        for row in memory.rows.values() {
            by_columns.entry(row.present).or_default().push(row);
        }
        let parallel = parallel.max(1);
        let mut copies = Vec::new();
        for (present, rows) in &by_columns {
            let columns: Vec<&'static str> =
                bits(*present).map(|index| memory.columns[index]).collect();
            let parts = if rows.len() >= PARALLEL_COPY_ROWS {
                parallel
            } else {
                1
            };
            for part in rows.chunks(rows.len().div_ceil(parts)) {
                copies.push((columns.clone(), part));
            }
        }
        let written: Vec<u64> = futures::stream::iter(copies)
            .map(|(columns, rows)| async move {
                let mut connection = pool.acquire().await?;
                copy_rows(&mut connection, target, &columns, rows).await
            })
            .buffer_unordered(parallel)
            .try_collect()
            .await?;
        Ok(written.into_iter().sum())
    }
}

/// Sends `rows`, all of which have exactly `columns`, into `target` with one binary `COPY`.
async fn copy_rows(
    connection: &mut PgConnection,
    target: &str,
    columns: &[&'static str],
    rows: &[&EncodedRow],
) -> Result<u64, sqlx::Error> {
    let statement = format!(
        "copy {target} ({}) from stdin (format binary)",
        columns.join(", ")
    );
    let mut copy = connection.copy_in_raw(&statement).await?;
    let mut buffer = Vec::with_capacity(COPY_CHUNK + 4096);
    buffer.extend_from_slice(BINARY_COPY_HEADER);
    let column_count = columns.len() as i16;
    for row in rows {
        buffer.extend_from_slice(&column_count.to_be_bytes());
        buffer.extend_from_slice(&row.fields);
        if buffer.len() >= COPY_CHUNK {
            copy.send(std::mem::take(&mut buffer)).await?;
            buffer.reserve(COPY_CHUNK + 4096);
        }
    }
    buffer.extend_from_slice(&(-1_i16).to_be_bytes());
    copy.send(buffer).await?;
    copy.finish().await
}

/// Rows with the same columns from which a `COPY` is cut into parts sent side by side.
const PARALLEL_COPY_ROWS: usize = 10_000;

/// How much `COPY` data is sent at a time.
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

    /// The binary `COPY` field a row holds for `column`.
    fn field_of(
        memory: &MemoryTables,
        table: &Table,
        key: &[Value],
        column: &str,
    ) -> Option<Vec<u8>> {
        let rows = &memory.tables[table.name];
        let index = rows.columns.iter().position(|known| *known == column)?;
        rows.rows[&RowKey::of(key).unwrap()]
            .fields()
            .find(|(at, _)| *at == index)
            .map(|(_, field)| field.to_vec())
    }

    fn encoded(value: Value) -> Vec<u8> {
        let mut field = Vec::new();
        value.write_copy_binary(&mut field);
        field
    }

    fn name_of(memory: &MemoryTables, id: Uuid) -> Option<Vec<u8>> {
        field_of(memory, &DASHBOARDS, &[Value::Uuid(id)], "name")
    }

    #[test]
    fn inserting_a_row_twice_keeps_the_first() {
        let id = Uuid::now_v7();
        let mut memory = MemoryTables::default();
        memory.apply(dashboard(id, 1, "First"));
        memory.apply(dashboard(id, 1, "Second"));
        assert_eq!(memory.row_count(&DASHBOARDS), 1);
        assert_eq!(
            name_of(&memory, id),
            Some(encoded(Value::Text("First".into())))
        );
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
        assert_eq!(
            name_of(&memory, id),
            Some(encoded(Value::Text("Current".into())))
        );
        memory.apply(rename(4, "Renamed"));
        assert_eq!(
            name_of(&memory, id),
            Some(encoded(Value::Text("Renamed".into())))
        );
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
        let grant = |resource: Uuid, grantee: &str| Change::Upsert {
            table: &GRANTS,
            row: vec![
                ("resource_id", Value::Uuid(resource)),
                ("grantee_kind", Value::Text("user".into())),
                ("grantee", Value::Text(grantee.into())),
                ("access", Value::Text("view".into())),
            ],
            update: &["access"],
        };
        let resources_left = |memory: &MemoryTables| -> Vec<Uuid> {
            let mut resources: Vec<Uuid> = memory.tables["rm_grants"]
                .rows
                .keys()
                .map(|key| match key.first {
                    KeyPart::Uuid(resource) => resource,
                    ref other => panic!("a grant keyed by {other:?}"),
                })
                .collect();
            resources.sort();
            resources
        };
        for resource in [kept, removed] {
            for grantee in ["alice", "bob"] {
                memory.apply(grant(resource, grantee));
            }
        }
        memory.apply(Change::Delete {
            table: &GRANTS,
            key: vec![Value::Uuid(removed)],
        });
        assert_eq!(resources_left(&memory), vec![kept, kept]);

        // A whole key removes one row; a resource granted again is found by the next prefix delete.
        memory.apply(Change::Delete {
            table: &GRANTS,
            key: vec![
                Value::Uuid(kept),
                Value::Text("user".into()),
                Value::Text("alice".into()),
            ],
        });
        memory.apply(grant(removed, "carol"));
        assert_eq!(memory.row_count(&GRANTS), 2);
        memory.apply(Change::Delete {
            table: &GRANTS,
            key: vec![Value::Uuid(removed)],
        });
        assert_eq!(resources_left(&memory), vec![kept]);
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
        assert_eq!(memory.row_count(&GRANTS), 1);
        let key = [
            Value::Uuid(resource),
            Value::Text("role".into()),
            Value::Text("viewer".into()),
        ];
        assert_eq!(
            field_of(&memory, &GRANTS, &key, "access"),
            Some(encoded(Value::Text("edit".into())))
        );
        assert_eq!(
            field_of(&memory, &GRANTS, &key, "resource_type"),
            Some(encoded(Value::Text("chart".into())))
        );
    }

    #[test]
    fn rows_keep_their_fields_in_one_column_order_whatever_order_they_come_in() {
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let mut memory = MemoryTables::default();
        memory.apply(dashboard(first, 1, "First"));
        memory.apply(Change::Insert {
            table: &DASHBOARDS,
            row: vec![
                ("version", Value::Integer(1)),
                ("name", Value::Text("Second".into())),
                ("id", Value::Uuid(second)),
            ],
        });
        // A column the rows did not have joins the one it is set on, and the rest stay as they were.
        memory.apply(Change::Update {
            table: &DASHBOARDS,
            key: vec![Value::Uuid(second)],
            older_than: Some(2),
            set: vec![
                ("version", Value::Integer(2)),
                ("filters", Value::Json(serde_json::json!([]))),
            ],
        });
        let rows = &memory.tables["rm_dashboards"];
        assert_eq!(rows.columns, ["id", "name", "version", "filters"]);
        let fields = |id: Uuid| -> Vec<u8> {
            rows.rows[&RowKey::of(&[Value::Uuid(id)]).unwrap()]
                .fields
                .clone()
        };
        let expected =
            |values: Vec<Value>| -> Vec<u8> { values.into_iter().flat_map(encoded).collect() };
        assert_eq!(
            fields(first),
            expected(vec![
                Value::Uuid(first),
                Value::Text("First".into()),
                Value::Integer(1)
            ])
        );
        assert_eq!(
            fields(second),
            expected(vec![
                Value::Uuid(second),
                Value::Text("Second".into()),
                Value::Integer(2),
                Value::Json(serde_json::json!([])),
            ])
        );
    }

    #[test]
    fn binary_copy_fields_carry_their_length_and_mark_nulls() {
        let mut out = Vec::new();
        Value::Text("tab\there".into()).write_copy_binary(&mut out);
        Value::OptionalInteger(None).write_copy_binary(&mut out);
        Value::Integer(-2).write_copy_binary(&mut out);
        Value::Json(serde_json::json!({"a": 1})).write_copy_binary(&mut out);
        Value::Time(DateTime::from_timestamp(946_684_801, 0).unwrap()).write_copy_binary(&mut out);
        let mut expected = Vec::new();
        expected.extend_from_slice(&8_i32.to_be_bytes());
        expected.extend_from_slice(b"tab\there");
        expected.extend_from_slice(&(-1_i32).to_be_bytes());
        expected.extend_from_slice(&4_i32.to_be_bytes());
        expected.extend_from_slice(&(-2_i32).to_be_bytes());
        expected.extend_from_slice(&8_i32.to_be_bytes());
        expected.push(1);
        expected.extend_from_slice(br#"{"a":1}"#);
        expected.extend_from_slice(&8_i32.to_be_bytes());
        expected.extend_from_slice(&1_000_000_i64.to_be_bytes());
        assert_eq!(out, expected);
    }
}
