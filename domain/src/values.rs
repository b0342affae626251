//! Value types parsed at the edge.
//!
//! Each newtype can only be built by `parse`, so holding one proves the value was checked. Every string
//! that can reach an event is also checked for NUL characters, because PostgreSQL's jsonb rejects them
//! and an event that cannot be stored would fail the whole command late and confusingly.

use std::fmt;

use serde_json::Value;
use vizpro_events::chart::{
    Aggregate, ChartQuery, ChartSpec, ChartType, Dimension, Filter, FilterOp, Measure, SortKey,
    TimeBucket, TopN,
};
use vizpro_events::dashboard::GridCell;

use crate::DomainError;

/// Width of the dashboard grid in columns.
pub const GRID_COLUMNS: i32 = 12;
/// Tallest allowed tile, in grid rows.
pub const MAX_CELL_HEIGHT: i32 = 100;
/// Lowest allowed top row of a tile.
pub const MAX_CELL_Y: i32 = 10_000;
/// Most dimensions, measures, filters or sort keys one chart query may have.
pub const MAX_QUERY_PARTS: usize = 20;
/// Longest allowed SQL text, in characters.
pub const MAX_SQL_CHARS: usize = 100_000;
/// Longest allowed column name or alias, in characters.
pub const MAX_COLUMN_NAME_CHARS: usize = 200;
/// Largest allowed row limit of a chart query.
pub const MAX_ROW_LIMIT: u32 = 1_000_000;
/// Largest allowed n of a top-n query.
pub const MAX_TOP_N: u32 = 1000;

/// A normalised e-mail address: trimmed, lowercased, one '@', and a domain with a dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Longest allowed address, in characters (the SMTP path limit).
    pub const MAX_CHARS: usize = 254;

    /// Checks and normalises an address; errors name the field "email".
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "email";
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(DomainError::invalid(FIELD, "is required"));
        }
        if email.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if email
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
        {
            return Err(DomainError::invalid(
                FIELD,
                "must not contain spaces or control characters",
            ));
        }
        let mut parts = email.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(DomainError::invalid(FIELD, "must contain exactly one @"));
        };
        if local.is_empty() {
            return Err(DomainError::invalid(FIELD, "needs a name before the @"));
        }
        let domain_is_plausible = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if !domain_is_plausible {
            return Err(DomainError::invalid(
                FIELD,
                "needs a domain such as example.com after the @",
            ));
        }
        Ok(Email(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The name a user is shown by: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// Longest allowed display name, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Checks and trims a display name; errors name the field "display_name".
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        parse_single_line("display_name", raw, Self::MAX_CHARS).map(DisplayName)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The name of a data source, dataset, chart or dashboard: trimmed, 1 to 200 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceName(String);

impl ResourceName {
    /// Longest allowed name, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Checks and trims a name; errors name the given field.
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        parse_single_line(field, raw, Self::MAX_CHARS).map(ResourceName)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Free text describing a resource: up to 4000 characters, possibly empty. Line breaks and tabs are
/// kept; other control characters are rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Description(String);

impl Description {
    /// Longest allowed description, in characters.
    pub const MAX_CHARS: usize = 4000;

    /// Checks a description; errors name the field "description". Surrounding whitespace is trimmed and
    /// Windows line endings become '\n', because browsers send either and both mean the same.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "description";
        let description = raw.replace("\r\n", "\n").trim().to_owned();
        if description.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if description
            .chars()
            .any(|character| character.is_control() && character != '\n' && character != '\t')
        {
            return Err(DomainError::invalid(
                FIELD,
                "must not contain control characters other than line breaks and tabs",
            ));
        }
        Ok(Description(description))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The URL segment of a dashboard: 1 to 100 characters of a-z, 0-9 and '-', with no leading, trailing or
/// doubled '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Longest allowed slug, in characters.
    pub const MAX_CHARS: usize = 100;
    /// Used when a name contains nothing a slug can keep.
    pub const FALLBACK: &'static str = "dashboard";

    /// Checks a slug; errors name the field "slug".
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "slug";
        let slug = raw.trim();
        if slug.is_empty() {
            return Err(DomainError::invalid(FIELD, "is required"));
        }
        if slug.len() > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if !slug.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        }) {
            return Err(DomainError::invalid(
                FIELD,
                "may only contain lowercase letters a-z, digits and '-'",
            ));
        }
        if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
            return Err(DomainError::invalid(
                FIELD,
                "must not start or end with '-' or contain '--'",
            ));
        }
        Ok(Slug(slug.to_owned()))
    }

    /// Derives a slug from a name: lowercase ASCII letters and digits are kept, every run of anything
    /// else becomes one '-'. A name with nothing to keep gives "dashboard".
    pub fn from_name(name: &ResourceName) -> Slug {
        let mut slug = String::new();
        for character in name.as_str().chars() {
            if slug.len() >= Self::MAX_CHARS {
                break;
            }
            let lowered = character.to_ascii_lowercase();
            if lowered.is_ascii_lowercase() || lowered.is_ascii_digit() {
                slug.push(lowered);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            Slug(Self::FALLBACK.to_owned())
        } else {
            Slug(slug.to_owned())
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password in plain text, on its way to being hashed. It is never serialized and its `Debug`
/// output hides it, so it cannot leak into logs or events by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Shortest allowed password, in characters.
    pub const MIN_CHARS: usize = 12;
    /// Longest allowed password, in characters; bounds the cost of hashing.
    pub const MAX_CHARS: usize = 256;

    /// Checks a password; errors name the field "password". The text is kept exactly as given, because
    /// whitespace may be part of it.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "password";
        let length = raw.chars().count();
        if length < Self::MIN_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if length > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if raw.trim().is_empty() {
            return Err(DomainError::invalid(FIELD, "must not be only whitespace"));
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The password, by value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Password(***)")
    }
}

/// Checks that a tile's rectangle lies on the grid: x and y not negative, width and height at least 1,
/// within the 12 grid columns, at most 100 rows tall and starting no lower than row 10 000.
pub fn validate_cell(field: &str, cell: &GridCell) -> Result<(), DomainError> {
    if cell.x < 0 || cell.y < 0 {
        return Err(DomainError::invalid(field, "x and y must not be negative"));
    }
    if cell.w < 1 || cell.h < 1 {
        return Err(DomainError::invalid(field, "w and h must be at least 1"));
    }
    if i64::from(cell.x) + i64::from(cell.w) > i64::from(GRID_COLUMNS) {
        return Err(DomainError::invalid(
            field,
            format!("x + w must be at most {GRID_COLUMNS}, the width of the grid"),
        ));
    }
    if cell.h > MAX_CELL_HEIGHT {
        return Err(DomainError::invalid(
            field,
            format!("h must be at most {MAX_CELL_HEIGHT}"),
        ));
    }
    if cell.y > MAX_CELL_Y {
        return Err(DomainError::invalid(
            field,
            format!("y must be at most {MAX_CELL_Y}"),
        ));
    }
    Ok(())
}

/// Checks a chart specification against its chart type and returns it normalised (missing options
/// become `{}`). Only structure is checked here; whether the columns exist is for the query service.
pub fn parse_chart_spec(chart_type: ChartType, raw: ChartSpec) -> Result<ChartSpec, DomainError> {
    let options = match raw.options {
        Value::Null => Value::Object(serde_json::Map::new()),
        Value::Object(_) => raw.options,
        _ => {
            return Err(DomainError::invalid(
                "spec.options",
                "must be a JSON object",
            ));
        }
    };
    ensure_json_has_no_nul("spec.options", &options)?;
    match &raw.query {
        ChartQuery::Sql { sql } => validate_sql("spec.query.sql", sql)?,
        ChartQuery::Builder {
            dimensions,
            measures,
            filters,
            sort,
            limit,
            top_n,
        } => {
            validate_dimensions(dimensions)?;
            validate_measures(measures)?;
            validate_chart_filters(filters)?;
            validate_sort(sort)?;
            validate_limit(*limit)?;
            if let Some(top_n) = top_n {
                validate_top_n(top_n)?;
            }
            validate_shape_for_chart_type(chart_type, dimensions.len(), measures.len())?;
        }
    }
    Ok(ChartSpec {
        query: raw.query,
        options,
    })
}

/// Checks a column name: 1 to 200 characters, not blank, no control characters.
pub fn validate_column_name(field: &str, name: &str) -> Result<(), DomainError> {
    if name.trim().is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if name.chars().count() > MAX_COLUMN_NAME_CHARS {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {MAX_COLUMN_NAME_CHARS} characters"),
        ));
    }
    reject_control_characters(field, name)
}

/// Checks that a filter's value has the shape its operator needs.
pub fn validate_filter_value(field: &str, op: FilterOp, value: &Value) -> Result<(), DomainError> {
    let is_scalar =
        |value: &Value| matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_));
    let shape_is_right = match op {
        FilterOp::Eq
        | FilterOp::Ne
        | FilterOp::Lt
        | FilterOp::Lte
        | FilterOp::Gt
        | FilterOp::Gte => is_scalar(value),
        FilterOp::Between => value
            .as_array()
            .is_some_and(|bounds| bounds.len() == 2 && bounds.iter().all(is_scalar)),
        FilterOp::In | FilterOp::NotIn => value
            .as_array()
            .is_some_and(|items| !items.is_empty() && items.iter().all(is_scalar)),
        FilterOp::Contains => value.is_string(),
        FilterOp::IsNull | FilterOp::IsNotNull => value.is_null(),
        FilterOp::Last => is_relative_time_window(value),
    };
    if !shape_is_right {
        let expected = match op {
            FilterOp::Eq
            | FilterOp::Ne
            | FilterOp::Lt
            | FilterOp::Lte
            | FilterOp::Gt
            | FilterOp::Gte => "a single string, number or boolean",
            FilterOp::Between => "an array of exactly two strings, numbers or booleans",
            FilterOp::In | FilterOp::NotIn => "a non-empty array of strings, numbers or booleans",
            FilterOp::Contains => "a string",
            FilterOp::IsNull | FilterOp::IsNotNull => "null",
            FilterOp::Last => {
                "an object {\"count\": n, \"unit\": u} with n > 0 and u one of minute, hour, day, week, month, quarter, year"
            }
        };
        return Err(DomainError::invalid(
            field,
            format!("the {} filter needs {expected}", op.as_str()),
        ));
    }
    ensure_json_has_no_nul(field, value)
}

/// Rejects NUL characters anywhere in a JSON value, keys included.
pub fn ensure_json_has_no_nul(field: &str, value: &Value) -> Result<(), DomainError> {
    let has_nul = |text: &str| text.contains('\0');
    let found = match value {
        Value::String(text) => has_nul(text),
        Value::Array(items) => {
            for item in items {
                ensure_json_has_no_nul(field, item)?;
            }
            false
        }
        Value::Object(entries) => {
            for (key, item) in entries {
                if has_nul(key) {
                    return Err(nul_error(field));
                }
                ensure_json_has_no_nul(field, item)?;
            }
            false
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    };
    if found { Err(nul_error(field)) } else { Ok(()) }
}

/// Rejects NUL characters in a string.
pub fn ensure_no_nul(field: &str, text: &str) -> Result<(), DomainError> {
    if text.contains('\0') {
        Err(nul_error(field))
    } else {
        Ok(())
    }
}

/// Checks SQL text: not blank, at most 100 000 characters, no NUL.
pub fn validate_sql(field: &str, sql: &str) -> Result<(), DomainError> {
    if sql.trim().is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if sql.chars().count() > MAX_SQL_CHARS {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {MAX_SQL_CHARS} characters"),
        ));
    }
    ensure_no_nul(field, sql)?;
    ensure_one_read_only_query(field, sql)
}

/// Refuses a text that is plainly not one read-only query: several statements, a statement that is not a
/// query (DDL, DML, `SET`, transactions), or a query that writes (`SELECT … INTO`, a data-modifying
/// `WITH`). It is refused when it is saved, not first when it runs. Text this generic parser cannot read
/// is left to the engine that runs it, whose own dialect has the last word (and refuses the same).
fn ensure_one_read_only_query(field: &str, sql: &str) -> Result<(), DomainError> {
    use sqlparser::ast::Statement;
    let Ok(statements) =
        sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::GenericDialect {}, sql)
    else {
        return Ok(());
    };
    match statements.as_slice() {
        [Statement::Query(query)] if query_only_reads(query) => Ok(()),
        [_] => Err(DomainError::invalid(
            field,
            "must be one read-only SELECT; statements that change data or definitions are refused",
        )),
        _ => Err(DomainError::invalid(
            field,
            "must be exactly one SELECT statement",
        )),
    }
}

/// Whether a query only reads: every part of it is a plain `SELECT` (without `INTO`), `VALUES`, `TABLE`
/// or a nested query, its `WITH` clauses included, and it takes no row locks.
fn query_only_reads(query: &sqlparser::ast::Query) -> bool {
    use sqlparser::ast::SetExpr;
    fn body_only_reads(body: &SetExpr) -> bool {
        match body {
            SetExpr::Select(select) => select.into.is_none(),
            SetExpr::Query(query) => query_only_reads(query),
            SetExpr::SetOperation { left, right, .. } => {
                body_only_reads(left) && body_only_reads(right)
            }
            SetExpr::Values(_) | SetExpr::Table(_) => true,
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                false
            }
        }
    }
    query.locks.is_empty()
        && query.with.as_ref().is_none_or(|with| {
            with.cte_tables
                .iter()
                .all(|cte| query_only_reads(&cte.query))
        })
        && body_only_reads(&query.body)
}

/// Checks a short single-line text such as a label or table name: not blank, at most `max_chars`
/// characters, no control characters.
pub fn validate_single_line(field: &str, text: &str, max_chars: usize) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if text.chars().count() > max_chars {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    reject_control_characters(field, text)
}

fn parse_single_line(field: &str, raw: &str, max_chars: usize) -> Result<String, DomainError> {
    let text = raw.trim();
    validate_single_line(field, text, max_chars)?;
    Ok(text.to_owned())
}

fn reject_control_characters(field: &str, text: &str) -> Result<(), DomainError> {
    if text.chars().any(char::is_control) {
        Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ))
    } else {
        Ok(())
    }
}

fn nul_error(field: &str) -> DomainError {
    DomainError::invalid(field, "must not contain NUL characters")
}

fn is_relative_time_window(value: &Value) -> bool {
    let Some(window) = value.as_object() else {
        return false;
    };
    let count_is_positive = window
        .get("count")
        .and_then(Value::as_u64)
        .is_some_and(|count| count > 0);
    let unit_is_known = window
        .get("unit")
        .and_then(Value::as_str)
        .is_some_and(|unit| TimeBucket::ALL.iter().any(|bucket| bucket.as_str() == unit));
    window.len() == 2 && count_is_positive && unit_is_known
}

fn validate_part_count(field: &str, count: usize, what: &str) -> Result<(), DomainError> {
    if count > MAX_QUERY_PARTS {
        Err(DomainError::invalid(
            field,
            format!("at most {MAX_QUERY_PARTS} {what} are allowed"),
        ))
    } else {
        Ok(())
    }
}

fn validate_alias(field: &str, alias: Option<&String>) -> Result<(), DomainError> {
    match alias {
        Some(alias) => validate_column_name(field, alias),
        None => Ok(()),
    }
}

fn validate_dimensions(dimensions: &[Dimension]) -> Result<(), DomainError> {
    validate_part_count("spec.query.dimensions", dimensions.len(), "dimensions")?;
    for (index, dimension) in dimensions.iter().enumerate() {
        validate_column_name(
            &format!("spec.query.dimensions[{index}].column"),
            &dimension.column,
        )?;
        validate_alias(
            &format!("spec.query.dimensions[{index}].alias"),
            dimension.alias.as_ref(),
        )?;
    }
    Ok(())
}

fn validate_measures(measures: &[Measure]) -> Result<(), DomainError> {
    validate_part_count("spec.query.measures", measures.len(), "measures")?;
    for (index, measure) in measures.iter().enumerate() {
        let column_field = format!("spec.query.measures[{index}].column");
        match (&measure.column, measure.aggregate) {
            (Some(column), _) => validate_column_name(&column_field, column)?,
            (None, Aggregate::Count) => {}
            (None, aggregate) => {
                return Err(DomainError::invalid(
                    column_field,
                    format!("is required for {}", aggregate.as_str()),
                ));
            }
        }
        validate_alias(
            &format!("spec.query.measures[{index}].alias"),
            measure.alias.as_ref(),
        )?;
    }
    Ok(())
}

fn validate_chart_filters(filters: &[Filter]) -> Result<(), DomainError> {
    validate_part_count("spec.query.filters", filters.len(), "filters")?;
    for (index, filter) in filters.iter().enumerate() {
        validate_column_name(
            &format!("spec.query.filters[{index}].column"),
            &filter.column,
        )?;
        validate_filter_value(
            &format!("spec.query.filters[{index}].value"),
            filter.op,
            &filter.value,
        )?;
    }
    Ok(())
}

fn validate_sort(sort: &[SortKey]) -> Result<(), DomainError> {
    validate_part_count("spec.query.sort", sort.len(), "sort keys")?;
    for (index, key) in sort.iter().enumerate() {
        validate_column_name(&format!("spec.query.sort[{index}].by"), &key.by)?;
    }
    Ok(())
}

fn validate_limit(limit: Option<u32>) -> Result<(), DomainError> {
    match limit {
        Some(limit) if !(1..=MAX_ROW_LIMIT).contains(&limit) => Err(DomainError::invalid(
            "spec.query.limit",
            format!("must be between 1 and {MAX_ROW_LIMIT}"),
        )),
        _ => Ok(()),
    }
}

fn validate_top_n(top_n: &TopN) -> Result<(), DomainError> {
    if !(1..=MAX_TOP_N).contains(&top_n.n) {
        return Err(DomainError::invalid(
            "spec.query.top_n.n",
            format!("must be between 1 and {MAX_TOP_N}"),
        ));
    }
    if let Some(label) = &top_n.other_label {
        validate_single_line("spec.query.top_n.other_label", label, MAX_COLUMN_NAME_CHARS)?;
    }
    Ok(())
}

fn validate_shape_for_chart_type(
    chart_type: ChartType,
    dimensions: usize,
    measures: usize,
) -> Result<(), DomainError> {
    let requirement =
        match chart_type {
            ChartType::Table | ChartType::Histogram => {
                (dimensions + measures == 0).then_some("at least one dimension or measure")
            }
            ChartType::BigNumber => (measures != 1).then_some("exactly one measure"),
            ChartType::Pie | ChartType::Donut => (dimensions != 1 || measures != 1)
                .then_some("exactly one dimension and one measure"),
            ChartType::Scatter => {
                let plottable = measures >= 2 || (dimensions >= 1 && measures >= 1);
                (!plottable).then_some("at least two measures, or a dimension and a measure")
            }
            ChartType::Heatmap => (dimensions != 2 || measures != 1)
                .then_some("exactly two dimensions and one measure"),
            ChartType::Bar | ChartType::Line | ChartType::Area | ChartType::PivotTable => {
                (measures == 0).then_some("at least one measure")
            }
        };
    match requirement {
        Some(requirement) => Err(DomainError::invalid(
            "spec.query",
            format!("a {} chart needs {requirement}", chart_type.as_str()),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vizpro_events::chart::SortDirection;

    fn field_of<T: fmt::Debug>(result: Result<T, DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
        assert_eq!(email.into_inner(), "ada.lovelace@example.com");
    }

    #[test]
    fn malformed_emails_are_rejected() {
        let too_long = format!("{}@example.com", "a".repeat(250));
        for raw in [
            "",
            "ada",
            "ada@@example.com",
            "a@b@example.com",
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada@.example.com",
            "ada@example.com.",
            "ada@example..com",
            "ada lovelace@example.com",
            "ada\u{0}@example.com",
            too_long.as_str(),
        ] {
            assert_eq!(
                field_of(Email::parse(raw)),
                "email",
                "{raw:?} must be rejected"
            );
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert_eq!(
            DisplayName::parse(&"é".repeat(100))
                .unwrap()
                .into_inner()
                .chars()
                .count(),
            100
        );
        for raw in ["", "   ", "a\u{7}b", "tab\there"] {
            assert_eq!(field_of(DisplayName::parse(raw)), "display_name");
        }
        assert_eq!(
            field_of(DisplayName::parse(&"a".repeat(101))),
            "display_name"
        );
    }

    #[test]
    fn resource_names_name_the_given_field() {
        assert_eq!(
            ResourceName::parse("name", " Sales ").unwrap().as_str(),
            "Sales"
        );
        assert!(ResourceName::parse("name", &"a".repeat(200)).is_ok());
        assert_eq!(
            field_of(ResourceName::parse("name", &"a".repeat(201))),
            "name"
        );
        assert_eq!(field_of(ResourceName::parse("title", "\u{0}")), "title");
        assert_eq!(field_of(ResourceName::parse("title", "")), "title");
    }

    #[test]
    fn descriptions_keep_line_breaks_and_tabs_but_no_other_control_characters() {
        let description = Description::parse("first\r\nsecond\tthird\n").unwrap();
        assert_eq!(description.as_str(), "first\nsecond\tthird");
        assert_eq!(Description::parse("").unwrap(), Description::default());
        assert!(Description::parse(&"x".repeat(4000)).is_ok());
        assert_eq!(
            field_of(Description::parse(&"x".repeat(4001))),
            "description"
        );
        assert_eq!(field_of(Description::parse("nul\u{0}here")), "description");
        assert_eq!(field_of(Description::parse("bell\u{7}")), "description");
    }

    #[test]
    fn slugs_allow_only_lowercase_letters_digits_and_single_inner_dashes() {
        assert_eq!(
            Slug::parse("q3-sales-2025").unwrap().as_str(),
            "q3-sales-2025"
        );
        assert!(Slug::parse(&"a".repeat(100)).is_ok());
        for raw in [
            "",
            "-sales",
            "sales-",
            "q3--sales",
            "Sales",
            "sales_q3",
            "säles",
            "a b",
        ] {
            assert_eq!(
                field_of(Slug::parse(raw)),
                "slug",
                "{raw:?} must be rejected"
            );
        }
        assert_eq!(field_of(Slug::parse(&"a".repeat(101))), "slug");
    }

    #[test]
    fn slugs_derived_from_names_are_valid_slugs() {
        let slug_of =
            |name: &str| Slug::from_name(&ResourceName::parse("name", name).unwrap()).into_inner();
        assert_eq!(slug_of("Q3 Sales — Europe!"), "q3-sales-europe");
        assert_eq!(slug_of("  --Revenue__by  month-- "), "revenue-by-month");
        assert_eq!(slug_of("数据"), "dashboard");
        let long = slug_of(&"ab ".repeat(60));
        assert!(long.len() <= Slug::MAX_CHARS);
        for slug in [slug_of("Q3 Sales — Europe!"), long, slug_of("数据")] {
            assert_eq!(Slug::parse(&slug).unwrap().into_inner(), slug);
        }
    }

    #[test]
    fn passwords_are_bounded_and_never_printed() {
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(password.as_str(), "correct horse battery");
        assert_eq!(field_of(Password::parse("short")), "password");
        assert_eq!(field_of(Password::parse(&" ".repeat(20))), "password");
        assert_eq!(field_of(Password::parse(&"x".repeat(257))), "password");
        assert!(Password::parse(&"x".repeat(256)).is_ok());
    }

    #[test]
    fn cells_must_lie_on_the_grid() {
        let cell = |x, y, w, h| GridCell { x, y, w, h };
        assert!(validate_cell("cell", &cell(0, 0, 12, 1)).is_ok());
        assert!(validate_cell("cell", &cell(6, 10_000, 6, 100)).is_ok());
        for bad in [
            cell(-1, 0, 1, 1),
            cell(0, -1, 1, 1),
            cell(0, 0, 0, 1),
            cell(0, 0, 1, 0),
            cell(7, 0, 6, 1),
            cell(i32::MAX, 0, i32::MAX, 1),
            cell(0, 0, 1, 101),
            cell(0, 10_001, 1, 1),
        ] {
            assert_eq!(field_of(validate_cell("cell", &bad)), "cell", "{bad:?}");
        }
    }

    fn builder(dimensions: usize, measures: usize) -> ChartSpec {
        ChartSpec {
            query: ChartQuery::Builder {
                dimensions: (0..dimensions)
                    .map(|index| Dimension {
                        column: format!("dimension_{index}"),
                        time_bucket: None,
                        alias: None,
                    })
                    .collect(),
                measures: (0..measures)
                    .map(|index| Measure {
                        aggregate: Aggregate::Sum,
                        column: Some(format!("measure_{index}")),
                        alias: None,
                    })
                    .collect(),
                filters: vec![],
                sort: vec![],
                limit: None,
                top_n: None,
            },
            options: Value::Null,
        }
    }

    fn with_query(edit: impl FnOnce(&mut ChartQuery)) -> ChartSpec {
        let mut spec = builder(1, 1);
        edit(&mut spec.query);
        spec
    }

    fn builder_parts(
        query: &mut ChartQuery,
    ) -> (&mut Vec<Dimension>, &mut Vec<Measure>, &mut Vec<Filter>) {
        match query {
            ChartQuery::Builder {
                dimensions,
                measures,
                filters,
                ..
            } => (dimensions, measures, filters),
            ChartQuery::Sql { .. } => panic!("expected builder mode"),
        }
    }

    #[test]
    fn a_valid_spec_is_returned_with_options_defaulted_to_an_object() {
        let parsed = parse_chart_spec(ChartType::Bar, builder(1, 2)).unwrap();
        assert_eq!(parsed.options, json!({}));
        let mut with_options = builder(1, 1);
        with_options.options = json!({"stacked": true});
        assert_eq!(
            parse_chart_spec(ChartType::Bar, with_options)
                .unwrap()
                .options,
            json!({"stacked": true})
        );
    }

    #[test]
    fn options_that_are_not_an_object_are_rejected() {
        let mut spec = builder(1, 1);
        spec.options = json!([1]);
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, spec)),
            "spec.options"
        );
        let mut spec = builder(1, 1);
        spec.options = json!({"title": "a\u{0}b"});
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, spec)),
            "spec.options"
        );
    }

    #[test]
    fn chart_types_require_their_shape() {
        let accepted = [
            (ChartType::Table, 1, 0),
            (ChartType::Table, 0, 1),
            (ChartType::Histogram, 1, 0),
            (ChartType::BigNumber, 0, 1),
            (ChartType::Pie, 1, 1),
            (ChartType::Donut, 1, 1),
            (ChartType::Scatter, 0, 2),
            (ChartType::Scatter, 1, 1),
            (ChartType::Heatmap, 2, 1),
            (ChartType::Bar, 0, 1),
            (ChartType::Line, 2, 3),
            (ChartType::PivotTable, 2, 1),
        ];
        for (chart_type, dimensions, measures) in accepted {
            assert!(
                parse_chart_spec(chart_type, builder(dimensions, measures)).is_ok(),
                "{chart_type:?} with {dimensions} dimensions and {measures} measures"
            );
        }
        let rejected = [
            (ChartType::Table, 0, 0),
            (ChartType::Histogram, 0, 0),
            (ChartType::BigNumber, 0, 2),
            (ChartType::BigNumber, 1, 0),
            (ChartType::Pie, 2, 1),
            (ChartType::Donut, 1, 2),
            (ChartType::Scatter, 0, 1),
            (ChartType::Scatter, 1, 0),
            (ChartType::Heatmap, 1, 1),
            (ChartType::Bar, 1, 0),
            (ChartType::Area, 0, 0),
        ];
        for (chart_type, dimensions, measures) in rejected {
            assert_eq!(
                field_of(parse_chart_spec(chart_type, builder(dimensions, measures))),
                "spec.query",
                "{chart_type:?} with {dimensions} dimensions and {measures} measures"
            );
        }
    }

    #[test]
    fn a_measure_needs_a_column_unless_it_counts_rows() {
        let counting = with_query(|query| {
            builder_parts(query).1[0] = Measure {
                aggregate: Aggregate::Count,
                column: None,
                alias: Some("rows".into()),
            }
        });
        assert!(parse_chart_spec(ChartType::Bar, counting).is_ok());
        let summing_nothing = with_query(|query| builder_parts(query).1[0].column = None);
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, summing_nothing)),
            "spec.query.measures[0].column"
        );
    }

    #[test]
    fn column_names_and_aliases_are_bounded() {
        let long_column = with_query(|query| builder_parts(query).0[0].column = "c".repeat(201));
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, long_column)),
            "spec.query.dimensions[0].column"
        );
        let empty_column = with_query(|query| builder_parts(query).0[0].column = String::new());
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, empty_column)),
            "spec.query.dimensions[0].column"
        );
        let control_alias =
            with_query(|query| builder_parts(query).1[0].alias = Some("a\nb".into()));
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, control_alias)),
            "spec.query.measures[0].alias"
        );
    }

    #[test]
    fn at_most_twenty_dimensions_measures_filters_and_sort_keys_are_allowed() {
        assert!(parse_chart_spec(ChartType::Table, builder(20, 20)).is_ok());
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Table, builder(21, 1))),
            "spec.query.dimensions"
        );
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Table, builder(1, 21))),
            "spec.query.measures"
        );
        let many_filters = with_query(|query| {
            *builder_parts(query).2 = (0..21)
                .map(|_| Filter {
                    column: "c".into(),
                    op: FilterOp::IsNull,
                    value: Value::Null,
                })
                .collect();
        });
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, many_filters)),
            "spec.query.filters"
        );
        let many_sort_keys = with_query(|query| {
            if let ChartQuery::Builder { sort, .. } = query {
                *sort = (0..21)
                    .map(|_| SortKey {
                        by: "c".into(),
                        direction: SortDirection::Asc,
                    })
                    .collect();
            }
        });
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, many_sort_keys)),
            "spec.query.sort"
        );
    }

    #[test]
    fn filter_values_must_match_their_operator() {
        let accepted = [
            (FilterOp::Eq, json!("EU")),
            (FilterOp::Gte, json!(10.5)),
            (FilterOp::Ne, json!(true)),
            (FilterOp::Between, json!([1, 10])),
            (FilterOp::In, json!(["a", "b"])),
            (FilterOp::NotIn, json!([1])),
            (FilterOp::Contains, json!("acme")),
            (FilterOp::IsNull, Value::Null),
            (FilterOp::IsNotNull, Value::Null),
            (FilterOp::Last, json!({"count": 7, "unit": "day"})),
        ];
        for (op, value) in accepted {
            assert!(
                validate_filter_value("value", op, &value).is_ok(),
                "{op:?} {value}"
            );
        }
        let rejected = [
            (FilterOp::Eq, Value::Null),
            (FilterOp::Lt, json!([1])),
            (FilterOp::Between, json!([1])),
            (FilterOp::Between, json!([1, [2]])),
            (FilterOp::In, json!([])),
            (FilterOp::NotIn, json!("a")),
            (FilterOp::In, json!([{"a": 1}])),
            (FilterOp::Contains, json!(1)),
            (FilterOp::IsNull, json!("x")),
            (FilterOp::Last, json!({"count": 0, "unit": "day"})),
            (FilterOp::Last, json!({"count": 3, "unit": "fortnight"})),
            (FilterOp::Last, json!({"count": -1, "unit": "day"})),
            (
                FilterOp::Last,
                json!({"count": 3, "unit": "day", "extra": 1}),
            ),
            (FilterOp::Eq, json!("a\u{0}")),
        ];
        for (op, value) in rejected {
            assert_eq!(
                field_of(validate_filter_value("value", op, &value)),
                "value",
                "{op:?} {value}"
            );
        }
        let bad_filter = with_query(|query| {
            builder_parts(query).2.push(Filter {
                column: "region".into(),
                op: FilterOp::Between,
                value: json!("EU"),
            })
        });
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, bad_filter)),
            "spec.query.filters[0].value"
        );
    }

    #[test]
    fn limits_and_top_n_are_bounded() {
        let limited = |limit| {
            with_query(|query| {
                if let ChartQuery::Builder { limit: slot, .. } = query {
                    *slot = Some(limit);
                }
            })
        };
        assert!(parse_chart_spec(ChartType::Bar, limited(1_000_000)).is_ok());
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, limited(0))),
            "spec.query.limit"
        );
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, limited(1_000_001))),
            "spec.query.limit"
        );
        let top = |n, other_label: Option<&str>| {
            with_query(|query| {
                if let ChartQuery::Builder { top_n, .. } = query {
                    *top_n = Some(TopN {
                        n,
                        other_label: other_label.map(str::to_owned),
                    });
                }
            })
        };
        assert!(parse_chart_spec(ChartType::Bar, top(1000, Some("Other"))).is_ok());
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, top(0, None))),
            "spec.query.top_n.n"
        );
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, top(1001, None))),
            "spec.query.top_n.n"
        );
        assert_eq!(
            field_of(parse_chart_spec(ChartType::Bar, top(5, Some("")))),
            "spec.query.top_n.other_label"
        );
    }

    #[test]
    fn sql_that_changes_data_or_definitions_is_refused_when_it_is_saved() {
        for read_only in [
            "select region, sum(amount) from dataset group by region",
            "with totals as (select region, sum(amount) as total from dataset group by region) select * from totals",
            "select 1 union all select 2",
            "values (1), (2)",
        ] {
            assert!(
                validate_sql("spec.query.sql", read_only).is_ok(),
                "{read_only}"
            );
        }
        for writing in [
            "create table stolen as select * from dataset",
            "drop table dataset",
            "insert into dataset values (1)",
            "delete from dataset",
            "set datafusion.execution.batch_size = 1",
            "begin",
            "copy dataset to '/tmp/out.csv'",
            "select * into stolen from dataset",
            "with gone as (delete from dataset returning *) select * from gone",
            "select * from dataset for update",
            "select 1; drop table dataset",
            "select 1; select 2",
        ] {
            let refused = validate_sql("spec.query.sql", writing);
            assert!(
                matches!(&refused, Err(DomainError::Invalid { field, .. }) if field == "spec.query.sql"),
                "{writing}: {refused:?}"
            );
        }
    }

    #[test]
    fn sql_mode_needs_bounded_non_empty_sql_and_skips_shape_rules() {
        let sql = |text: String| ChartSpec {
            query: ChartQuery::Sql { sql: text },
            options: Value::Null,
        };
        assert!(parse_chart_spec(ChartType::Heatmap, sql("select 1".into())).is_ok());
        assert!(parse_chart_spec(ChartType::Table, sql("x".repeat(100_000))).is_ok());
        for bad in [
            "  ".to_owned(),
            "x".repeat(100_001),
            "select '\u{0}'".to_owned(),
        ] {
            assert_eq!(
                field_of(parse_chart_spec(ChartType::Table, sql(bad))),
                "spec.query.sql"
            );
        }
    }
}
