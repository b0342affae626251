//! CSV to Parquet, streaming: dialect sniffing, validation with line numbers, type inference with
//! per-column overrides, and conversion.
//!
//! The file is read in two passes over a local temporary copy. The first pass checks every row and
//! settles each column's type from all of its values, not a sample, so a column whose last row is
//! `n/a` becomes text instead of failing halfway through the conversion. The second pass writes the
//! Parquet file. Memory stays bounded by one record batch and the largest allowed field.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vizpro_events::dataset::ColumnSchema;

use crate::column_type::{
    ColumnType, STORED_TIME_ZONE, date_to_days, parse_boolean, parse_date, parse_float,
    parse_integer, parse_timestamp_micros,
};
use crate::error::ImportError;

/// Delimiters tried when the uploader does not name one, in order of preference on a tie.
const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How much of the file's start the dialect is sniffed from.
const SNIFF_BYTES: usize = 64 * 1024;
/// Rows per Parquet record batch.
const BATCH_ROWS: usize = 64 * 1024;
/// The longest column name a dataset accepts, as the domain does.
const MAX_COLUMN_NAME_CHARS: usize = 200;

/// What the uploader may say about the file; everything left out is detected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    /// The field separator, one ASCII character such as `,`, `;`, `|` or a tab.
    #[serde(default, with = "optional_delimiter")]
    pub delimiter: Option<u8>,
    /// Whether the first row names the columns.
    #[serde(default)]
    pub has_header: Option<bool>,
    /// The text encoding, as a WHATWG label such as `utf-8`, `windows-1252` or `utf-16le`.
    #[serde(default)]
    pub encoding: Option<String>,
    /// Types to use instead of the inferred ones, by column name.
    #[serde(default)]
    pub column_types: BTreeMap<String, ColumnType>,
}

mod optional_delimiter {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(byte) => serializer.serialize_some(&(*byte as char).to_string()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
        let text: Option<String> = Option::deserialize(deserializer)?;
        match text.as_deref() {
            None => Ok(None),
            Some("\\t") | Some("tab") => Ok(Some(b'\t')),
            Some(text)
                if text.len() == 1
                    && text.is_ascii()
                    && text != "\""
                    && text != "\n"
                    && text != "\r" =>
            {
                Ok(Some(text.as_bytes()[0]))
            }
            Some(_) => Err(serde::de::Error::custom(
                "delimiter must be one ASCII character other than a quote or a line break",
            )),
        }
    }
}

/// Limits that keep one upload from exhausting the server.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimits {
    /// The largest single field, in bytes.
    pub max_field_bytes: usize,
    /// The longest stretch of the file without a line break, in bytes.
    pub max_line_bytes: usize,
    /// The most columns a file may have.
    pub max_columns: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_field_bytes: 1024 * 1024,
            max_line_bytes: 16 * 1024 * 1024,
            max_columns: 1000,
        }
    }
}

/// How the file was read: what the uploader said, and what was detected for the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    /// The field separator.
    pub delimiter: String,
    /// Whether the first row named the columns.
    pub has_header: bool,
    /// The text encoding's canonical name.
    pub encoding: String,
}

/// A CSV file converted to Parquet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedCsv {
    pub dialect: Dialect,
    /// The columns, with their final types and whether they hold nulls.
    pub columns: Vec<ColumnSchema>,
    pub row_count: i64,
    /// The Parquet file's size.
    pub bytes: i64,
    /// Lowercase hexadecimal SHA-256 of the Parquet file.
    pub checksum_sha256: String,
}

/// Reads the CSV at `source`, checks and types every row, and writes Parquet to `destination`.
/// On error `destination` may hold a partial file, which the caller discards with its temporary directory.
pub fn convert_csv_to_parquet(
    source: &Path,
    destination: &Path,
    options: &CsvOptions,
    limits: &ImportLimits,
) -> Result<ConvertedCsv, ImportError> {
    let encoding = resolve_encoding(source, options.encoding.as_deref())?;
    let sample = read_sample(source, encoding, limits)?;
    if sample.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let delimiter = match options.delimiter {
        Some(delimiter) => delimiter,
        None => sniff_delimiter(&sample),
    };
    let has_header = match options.has_header {
        Some(has_header) => has_header,
        None => sniff_header(&sample, delimiter),
    };
    let dialect = Dialect {
        delimiter: (delimiter as char).to_string(),
        has_header,
        encoding: encoding.name().to_ascii_lowercase(),
    };

    let survey = survey(source, encoding, delimiter, has_header, options, limits)?;
    let schema = Arc::new(Schema::new(
        survey
            .names
            .iter()
            .zip(&survey.types)
            .map(|(name, column_type)| Field::new(name, column_type.arrow_type(), true))
            .collect::<Vec<_>>(),
    ));
    let (bytes, checksum_sha256) = write_parquet(
        source,
        destination,
        encoding,
        delimiter,
        has_header,
        &survey,
        schema,
        limits,
    )?;
    let columns = survey
        .names
        .iter()
        .zip(&survey.types)
        .zip(&survey.null_counts)
        .map(|((name, column_type), nulls)| ColumnSchema {
            name: name.clone(),
            data_type: column_type.as_str().to_owned(),
            nullable: *nulls > 0,
        })
        .collect();
    Ok(ConvertedCsv {
        dialect,
        columns,
        row_count: survey.row_count as i64,
        bytes: bytes as i64,
        checksum_sha256,
    })
}

/// The declared encoding, or the one a byte-order mark names, or UTF-8.
fn resolve_encoding(
    source: &Path,
    declared: Option<&str>,
) -> Result<&'static Encoding, ImportError> {
    if let Some(label) = declared {
        return Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            ImportError::UnknownEncoding {
                label: label.to_owned(),
            }
        });
    }
    let mut start = [0u8; 3];
    let mut file = File::open(source)?;
    let read = read_up_to(&mut file, &mut start)?;
    Ok(Encoding::for_bom(&start[..read])
        .map(|(encoding, _)| encoding)
        .unwrap_or(encoding_rs::UTF_8))
}

fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// The file as UTF-8 bytes: UTF-8 passes through untouched (and is checked field by field later), other
/// encodings are transcoded, malformed sequences becoming U+FFFD, which the checks then report.
fn open_text(
    source: &Path,
    encoding: &'static Encoding,
    delimiter: Option<u8>,
    limits: &ImportLimits,
) -> io::Result<LineGuard<impl Read>> {
    let file = BufReader::with_capacity(1 << 20, File::open(source)?);
    let decoder = if encoding == encoding_rs::UTF_8 {
        DecodeReaderBytesBuilder::new()
            .encoding(None)
            .utf8_passthru(true)
            .bom_sniffing(false)
            .strip_bom(true)
            .build(file)
    } else {
        DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .bom_override(true)
            .strip_bom(true)
            .build(file)
    };
    Ok(LineGuard {
        inner: decoder,
        bytes_since_line_break: 0,
        line: 1,
        limit: limits.max_line_bytes,
        quotes: delimiter.map(QuoteTracker::new),
    })
}

fn read_sample(
    source: &Path,
    encoding: &'static Encoding,
    limits: &ImportLimits,
) -> Result<Vec<u8>, ImportError> {
    let mut text = open_text(source, encoding, None, limits)?;
    let mut sample = vec![0u8; SNIFF_BYTES];
    let read = read_up_to(&mut text, &mut sample).map_err(io_to_import_error)?;
    sample.truncate(read);
    if read == SNIFF_BYTES {
        // Only whole lines take part in sniffing.
        if let Some(last_break) = sample.iter().rposition(|byte| *byte == b'\n') {
            sample.truncate(last_break + 1);
        }
    }
    Ok(sample)
}

/// The candidate that splits the sampled rows into the same number of fields (more than one) on every
/// row; among several, the one giving the most fields.
fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best: Option<(usize, u8)> = None;
    for delimiter in CANDIDATE_DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let counts: Vec<usize> = reader
            .byte_records()
            .take(50)
            .map_while(Result::ok)
            .map(|record| record.len())
            .collect();
        let Some(first) = counts.first().copied() else {
            continue;
        };
        let consistent = first > 1 && counts.iter().all(|count| *count == first);
        if consistent && best.is_none_or(|(fields, _)| first > fields) {
            best = Some((first, delimiter));
        }
    }
    best.map(|(_, delimiter)| delimiter).unwrap_or(b',')
}

/// A first row is a header unless one of its fields reads as a number, a date or a boolean: column
/// names are rarely those, and data rows usually hold at least one.
fn sniff_header(sample: &[u8], delimiter: u8) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(sample);
    let Some(Ok(first)) = reader.records().next() else {
        return true;
    };
    !first.iter().map(str::trim).any(|field| {
        !field.is_empty()
            && (parse_float(field).is_some()
                || parse_boolean(field).is_some()
                || parse_timestamp_micros(field).is_some())
    })
}

/// What the first pass learned.
#[derive(Debug)]
struct Survey {
    names: Vec<String>,
    types: Vec<ColumnType>,
    null_counts: Vec<u64>,
    row_count: u64,
}

/// Which types a column's values so far all fit.
#[derive(Debug, Clone)]
struct TypeCandidates {
    fits: [bool; 5],
    non_null: u64,
}

const INFERABLE: [ColumnType; 5] = [
    ColumnType::Boolean,
    ColumnType::Integer,
    ColumnType::Float,
    ColumnType::Date,
    ColumnType::Timestamp,
];

impl TypeCandidates {
    fn new() -> Self {
        TypeCandidates {
            fits: [true; 5],
            non_null: 0,
        }
    }

    fn observe(&mut self, value: &str) {
        self.non_null += 1;
        for (fits, column_type) in self.fits.iter_mut().zip(INFERABLE) {
            if *fits && !column_type.accepts(value) {
                *fits = false;
            }
        }
    }

    fn settle(&self) -> ColumnType {
        if self.non_null == 0 {
            return ColumnType::Text;
        }
        INFERABLE
            .into_iter()
            .zip(self.fits)
            .find(|(_, fits)| *fits)
            .map(|(column_type, _)| column_type)
            .unwrap_or(ColumnType::Text)
    }
}

fn csv_reader<R: Read>(text: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(text)
}

fn survey(
    source: &Path,
    encoding: &'static Encoding,
    delimiter: u8,
    has_header: bool,
    options: &CsvOptions,
    limits: &ImportLimits,
) -> Result<Survey, ImportError> {
    let mut reader = csv_reader(
        open_text(source, encoding, Some(delimiter), limits)?,
        delimiter,
    );
    let mut record = csv::ByteRecord::new();
    let mut first_line = 0;
    loop {
        if !read_record(&mut reader, &mut record)? {
            return Err(ImportError::Empty);
        }
        first_line = record_line(&record).max(first_line);
        if !is_blank(&record) {
            break;
        }
    }
    if record.len() > limits.max_columns {
        return Err(ImportError::TooManyColumns {
            found: record.len(),
            limit: limits.max_columns,
        });
    }
    let names = if has_header {
        column_names(&record, first_line, encoding, limits)?
    } else {
        (1..=record.len())
            .map(|position| format!("column_{position}"))
            .collect()
    };
    for name in options.column_types.keys() {
        if !names.contains(name) {
            return Err(ImportError::UnknownOverrideColumn { name: name.clone() });
        }
    }
    let overrides: Vec<Option<ColumnType>> = names
        .iter()
        .map(|name| options.column_types.get(name).copied())
        .collect();
    let mut candidates = vec![TypeCandidates::new(); names.len()];
    let mut null_counts = vec![0u64; names.len()];
    let mut row_count = 0u64;

    let mut process = |record: &csv::ByteRecord| -> Result<(), ImportError> {
        let line = record_line(record);
        check_record(record, line, names.len(), &names, encoding, limits)?;
        for (index, field) in record.iter().enumerate() {
            // Checked above: every field is valid UTF-8.
            let text = std::str::from_utf8(field).unwrap_or_default();
            let value = if overrides[index] == Some(ColumnType::Text) {
                text
            } else {
                text.trim()
            };
            if value.is_empty() {
                null_counts[index] += 1;
                continue;
            }
            match overrides[index] {
                Some(column_type) => {
                    if !column_type.accepts(value) {
                        return Err(type_mismatch(line, &names[index], value, column_type));
                    }
                }
                None => candidates[index].observe(value),
            }
        }
        row_count += 1;
        Ok(())
    };
    if !has_header {
        process(&record)?;
    }
    while read_record(&mut reader, &mut record)? {
        if is_blank(&record) {
            continue;
        }
        process(&record)?;
    }
    if row_count == 0 {
        return Err(ImportError::NoRows);
    }
    let types = overrides
        .iter()
        .zip(&candidates)
        .map(|(chosen, candidates)| chosen.unwrap_or_else(|| candidates.settle()))
        .collect();
    Ok(Survey {
        names,
        types,
        null_counts,
        row_count,
    })
}

fn type_mismatch(line: u64, column: &str, value: &str, expected: ColumnType) -> ImportError {
    let mut excerpt: String = value.chars().take(60).collect();
    if excerpt.len() < value.len() {
        excerpt.push('…');
    }
    ImportError::TypeMismatch {
        line,
        column: column.to_owned(),
        value: excerpt,
        expected: expected.as_str().to_owned(),
    }
}

fn column_names(
    header: &csv::ByteRecord,
    line: u64,
    encoding: &'static Encoding,
    limits: &ImportLimits,
) -> Result<Vec<String>, ImportError> {
    let placeholder_names: Vec<String> =
        (1..=header.len()).map(|p| format!("column {p}")).collect();
    check_record(
        header,
        line,
        header.len(),
        &placeholder_names,
        encoding,
        limits,
    )?;
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(header.len());
    for (index, field) in header.iter().enumerate() {
        let name = std::str::from_utf8(field)
            .unwrap_or_default()
            .trim()
            .to_owned();
        if name.is_empty() {
            return Err(ImportError::EmptyColumnName {
                position: index + 1,
            });
        }
        if name.chars().count() > MAX_COLUMN_NAME_CHARS {
            return Err(ImportError::ColumnNameTooLong {
                position: index + 1,
                limit: MAX_COLUMN_NAME_CHARS,
            });
        }
        if !seen.insert(name.clone()) {
            return Err(ImportError::DuplicateColumnName { name });
        }
        names.push(name);
    }
    Ok(names)
}

/// Field count, field size, binary bytes and encoding of one record.
fn check_record(
    record: &csv::ByteRecord,
    line: u64,
    expected_fields: usize,
    names: &[String],
    encoding: &'static Encoding,
    limits: &ImportLimits,
) -> Result<(), ImportError> {
    if record.len() != expected_fields {
        return Err(ImportError::RaggedRow {
            line,
            expected: expected_fields,
            found: record.len(),
        });
    }
    for (index, field) in record.iter().enumerate() {
        if field.len() > limits.max_field_bytes {
            return Err(ImportError::FieldTooLarge {
                line,
                column: names[index].clone(),
                limit_bytes: limits.max_field_bytes,
            });
        }
        if field
            .iter()
            .any(|byte| *byte < 0x20 && !matches!(byte, b'\t' | b'\r' | b'\n'))
        {
            return Err(ImportError::BinaryData { line });
        }
        match std::str::from_utf8(field) {
            Err(_) => {
                return Err(ImportError::InvalidEncoding {
                    line,
                    encoding: encoding.name().to_owned(),
                });
            }
            Ok(text) if encoding != encoding_rs::UTF_8 && text.contains('\u{FFFD}') => {
                return Err(ImportError::InvalidEncoding {
                    line,
                    encoding: encoding.name().to_owned(),
                });
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1
        && record
            .get(0)
            .is_some_and(|field| field.trim_ascii().is_empty())
}

fn record_line(record: &csv::ByteRecord) -> u64 {
    record
        .position()
        .map(|position| position.line())
        .unwrap_or(0)
}

fn read_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> Result<bool, ImportError> {
    reader.read_byte_record(record).map_err(|error| {
        let line = error
            .position()
            .map(|position| position.line())
            .unwrap_or(0);
        match error.into_kind() {
            csv::ErrorKind::Io(io_error) => io_to_import_error(io_error),
            other => ImportError::Malformed {
                line,
                detail: format!("{other:?}"),
            },
        }
    })
}

/// The line guard reports a line that is too long as an I/O error; turn it back into what it is.
fn io_to_import_error(error: io::Error) -> ImportError {
    if let Some(too_long) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<LineTooLong>())
    {
        return ImportError::LineTooLong {
            line: too_long.line,
            limit_bytes: too_long.limit,
        };
    }
    if let Some(unclosed) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<UnclosedQuote>())
    {
        return ImportError::UnclosedQuote {
            line: unclosed.line,
        };
    }
    ImportError::Io(error)
}

#[derive(Debug)]
struct LineTooLong {
    line: u64,
    limit: usize,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "line {} is longer than {} bytes",
            self.line, self.limit
        )
    }
}

impl std::error::Error for LineTooLong {}

#[derive(Debug)]
struct UnclosedQuote {
    line: u64,
}

impl std::fmt::Display for UnclosedQuote {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "the quoted field opened on line {} is never closed",
            self.line
        )
    }
}

impl std::error::Error for UnclosedQuote {}

/// Where the reader is within a field, as the CSV parser sees it: only a quote at the start of a field
/// opens a quoted field (one inside an unquoted field is kept as it is), and a doubled quote inside a
/// quoted field stands for one quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldState {
    Start,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field unless another quote follows.
    QuoteInQuoted,
}

/// Follows the quoting of the text read, so that a quoted field still open at the end of the file is
/// reported with the line it opened on. The CSV parser accepts such a file silently, as one last field
/// holding everything after the quote.
#[derive(Debug, Clone, Copy)]
struct QuoteTracker {
    delimiter: u8,
    state: FieldState,
    opened_on_line: u64,
}

impl QuoteTracker {
    fn new(delimiter: u8) -> Self {
        QuoteTracker {
            delimiter,
            state: FieldState::Start,
            opened_on_line: 0,
        }
    }

    /// Takes one byte; `line` is the line it is on.
    fn observe(&mut self, byte: u8, line: u64) {
        let ends_field = byte == self.delimiter || byte == b'\n' || byte == b'\r';
        self.state = match (self.state, byte) {
            (FieldState::Start, b'"') => {
                self.opened_on_line = line;
                FieldState::Quoted
            }
            (FieldState::Quoted, b'"') => FieldState::QuoteInQuoted,
            (FieldState::Quoted, _) => FieldState::Quoted,
            (FieldState::QuoteInQuoted, b'"') => FieldState::Quoted,
            (_, _) if ends_field => FieldState::Start,
            (_, _) => FieldState::Unquoted,
        };
    }

    fn unclosed(&self) -> Option<u64> {
        (self.state == FieldState::Quoted).then_some(self.opened_on_line)
    }
}

/// Stops reading when a stretch without a line break grows past the limit, so that a file that is one
/// enormous line cannot make the CSV reader buffer all of it; once the delimiter is known, also stops at
/// the end of a file whose last quoted field is never closed.
struct LineGuard<R> {
    inner: R,
    bytes_since_line_break: usize,
    line: u64,
    limit: usize,
    quotes: Option<QuoteTracker>,
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        if read == 0
            && !buffer.is_empty()
            && let Some(line) = self.quotes.as_ref().and_then(QuoteTracker::unclosed)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                UnclosedQuote { line },
            ));
        }
        for byte in &buffer[..read] {
            if let Some(quotes) = self.quotes.as_mut() {
                quotes.observe(*byte, self.line);
            }
            if *byte == b'\n' {
                self.line += 1;
                self.bytes_since_line_break = 0;
            } else {
                self.bytes_since_line_break += 1;
                if self.bytes_since_line_break > self.limit {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        LineTooLong {
                            line: self.line,
                            limit: self.limit,
                        },
                    ));
                }
            }
        }
        Ok(read)
    }
}

/// A writer that hashes and counts what passes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Integer(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl ColumnBuilder {
    fn new(column_type: ColumnType) -> Self {
        match column_type {
            ColumnType::Boolean => {
                ColumnBuilder::Boolean(BooleanBuilder::with_capacity(BATCH_ROWS))
            }
            ColumnType::Integer => ColumnBuilder::Integer(Int64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Float => ColumnBuilder::Float(Float64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Date => ColumnBuilder::Date(Date32Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Timestamp => ColumnBuilder::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(BATCH_ROWS)
                    .with_timezone(STORED_TIME_ZONE),
            ),
            ColumnType::Text => ColumnBuilder::Text(StringBuilder::new()),
        }
    }

    /// Appends one field; `None` when it does not parse, which the first pass has ruled out.
    fn append(&mut self, text: &str) -> Option<()> {
        let trimmed = text.trim();
        match self {
            ColumnBuilder::Text(builder) => {
                if text.is_empty() {
                    builder.append_null()
                } else {
                    builder.append_value(text)
                }
            }
            _ if trimmed.is_empty() => self.append_null(),
            ColumnBuilder::Boolean(builder) => builder.append_value(parse_boolean(trimmed)?),
            ColumnBuilder::Integer(builder) => builder.append_value(parse_integer(trimmed)?),
            ColumnBuilder::Float(builder) => builder.append_value(parse_float(trimmed)?),
            ColumnBuilder::Date(builder) => {
                builder.append_value(date_to_days(parse_date(trimmed)?))
            }
            ColumnBuilder::Timestamp(builder) => {
                builder.append_value(parse_timestamp_micros(trimmed)?)
            }
        }
        Some(())
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Boolean(builder) => builder.append_null(),
            ColumnBuilder::Integer(builder) => builder.append_null(),
            ColumnBuilder::Float(builder) => builder.append_null(),
            ColumnBuilder::Date(builder) => builder.append_null(),
            ColumnBuilder::Timestamp(builder) => builder.append_null(),
            ColumnBuilder::Text(builder) => builder.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Boolean(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Integer(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Float(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Date(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Timestamp(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Text(builder) => Arc::new(builder.finish()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_parquet(
    source: &Path,
    destination: &Path,
    encoding: &'static Encoding,
    delimiter: u8,
    has_header: bool,
    survey: &Survey,
    schema: SchemaRef,
    limits: &ImportLimits,
) -> Result<(u64, String), ImportError> {
    let parquet_error =
        |error: parquet::errors::ParquetError| ImportError::Parquet(error.to_string());
    let arrow_error = |error: arrow::error::ArrowError| ImportError::Parquet(error.to_string());
    let output = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, File::create(destination)?),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(output, schema.clone(), Some(properties)).map_err(parquet_error)?;
    let mut builders: Vec<ColumnBuilder> = survey
        .types
        .iter()
        .map(|column_type| ColumnBuilder::new(*column_type))
        .collect();
    let mut reader = csv_reader(
        open_text(source, encoding, Some(delimiter), limits)?,
        delimiter,
    );
    let mut record = csv::ByteRecord::new();
    let mut skip_header = has_header;
    let mut rows_in_batch = 0usize;
    while read_record(&mut reader, &mut record)? {
        if is_blank(&record) {
            continue;
        }
        if skip_header {
            skip_header = false;
            continue;
        }
        let line = record_line(&record);
        for (index, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).unwrap_or_default();
            if builders[index].append(text).is_none() {
                return Err(type_mismatch(
                    line,
                    &survey.names[index],
                    text.trim(),
                    survey.types[index],
                ));
            }
        }
        rows_in_batch += 1;
        if rows_in_batch == BATCH_ROWS {
            let columns = builders.iter_mut().map(ColumnBuilder::finish).collect();
            let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_error)?;
            writer.write(&batch).map_err(parquet_error)?;
            rows_in_batch = 0;
        }
    }
    if rows_in_batch > 0 {
        let columns = builders.iter_mut().map(ColumnBuilder::finish).collect();
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_error)?;
        writer.write(&batch).map_err(parquet_error)?;
    }
    writer.finish().map_err(parquet_error)?;
    let output = writer.inner_mut();
    output.flush()?;
    let checksum = hex::encode(output.hasher.clone().finalize());
    Ok((output.bytes, checksum))
}

#[cfg(test)]
mod tests;
