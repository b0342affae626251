use std::fs::File;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};

use super::*;

struct Converted {
    result: Result<ConvertedCsv, ImportError>,
    batches: Vec<RecordBatch>,
    parquet_bytes: Vec<u8>,
}

fn convert_bytes(csv: &[u8], options: &CsvOptions) -> Converted {
    convert_with_limits(csv, options, &ImportLimits::default())
}

fn convert_with_limits(csv: &[u8], options: &CsvOptions, limits: &ImportLimits) -> Converted {
    let directory = tempfile::tempdir().unwrap();
    let source = directory.path().join("upload.csv");
    let destination = directory.path().join("out.parquet");
    std::fs::write(&source, csv).unwrap();
    let result = convert_csv_to_parquet(&source, &destination, options, limits);
    let (batches, parquet_bytes) = if result.is_ok() {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&destination).unwrap())
            .unwrap()
            .build()
            .unwrap();
        (
            reader.map(Result::unwrap).collect(),
            std::fs::read(&destination).unwrap(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Converted {
        result,
        batches,
        parquet_bytes,
    }
}

fn convert(csv: &str) -> Converted {
    convert_bytes(csv.as_bytes(), &CsvOptions::default())
}

fn types(converted: &ConvertedCsv) -> Vec<(&str, &str)> {
    converted
        .columns
        .iter()
        .map(|column| (column.name.as_str(), column.data_type.as_str()))
        .collect()
}

#[test]
fn column_types_are_inferred_from_every_row() {
    let converted = convert(
        "id,price,active,day,at,label\n\
         1,2.5,true,2026-01-02,2026-01-02T10:00:00Z,a\n\
         2,3,false,2026-01-03,2026-01-03 11:30:00,b\n\
         3,,TRUE,,2026-01-04T00:00:00+02:00,\n",
    );
    let result = converted.result.unwrap();
    assert_eq!(
        types(&result),
        vec![
            ("id", "integer"),
            ("price", "float"),
            ("active", "boolean"),
            ("day", "date"),
            ("at", "timestamp"),
            ("label", "text"),
        ]
    );
    assert_eq!(result.row_count, 3);
    assert_eq!(result.dialect.delimiter, ",");
    assert!(result.dialect.has_header);
    assert!(!result.columns[0].nullable);
    assert!(result.columns[1].nullable);
    let batch = &converted.batches[0];
    assert_eq!(
        batch.column(0).as_primitive::<Int64Type>().values(),
        &[1, 2, 3]
    );
    assert!(batch.column(1).as_primitive::<Float64Type>().is_null(2));
    let days = batch.column(3).as_primitive::<Date32Type>();
    assert_eq!(days.value(0), 20455);
    let instants = batch.column(4).as_primitive::<TimestampMicrosecondType>();
    // 2026-01-04T00:00:00+02:00 is 2026-01-03T22:00:00Z.
    assert_eq!(instants.value(2), 1_767_477_600_000_000);
    assert!(batch.column(5).as_string::<i32>().is_null(2));
}

#[test]
fn a_column_with_one_word_among_numbers_becomes_text() {
    let converted = convert("n\n1\n2\nn/a\n4\n").result.unwrap();
    assert_eq!(types(&converted), vec![("n", "text")]);
}

#[test]
fn the_checksum_and_size_describe_the_parquet_file() {
    let converted = convert("a,b\n1,x\n2,y\n");
    let result = converted.result.unwrap();
    assert_eq!(result.bytes as usize, converted.parquet_bytes.len());
    assert_eq!(
        result.checksum_sha256,
        hex::encode(Sha256::digest(&converted.parquet_bytes))
    );
}

#[test]
fn semicolons_tabs_and_pipes_are_detected_as_delimiters() {
    for delimiter in [";", "\t", "|"] {
        let csv = format!("a{delimiter}b{delimiter}c\n1{delimiter}2,5{delimiter}x\n");
        let result = convert(&csv).result.unwrap();
        assert_eq!(result.dialect.delimiter, delimiter);
        assert_eq!(result.columns.len(), 3);
    }
}

#[test]
fn a_first_row_of_numbers_is_data_not_a_header() {
    let converted = convert("1,2\n3,4\n");
    let result = converted.result.unwrap();
    assert!(!result.dialect.has_header);
    assert_eq!(result.row_count, 2);
    assert_eq!(
        types(&result),
        vec![("column_1", "integer"), ("column_2", "integer")]
    );
}

#[test]
fn a_ragged_row_is_rejected_naming_its_line() {
    let error = convert("a,b\n1,2\n3,4,5\n").result.unwrap_err();
    assert!(
        matches!(
            error,
            ImportError::RaggedRow {
                line: 3,
                expected: 2,
                found: 3
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("line 3"));
}

#[test]
fn binary_data_is_rejected() {
    let error = convert_bytes(b"a,b\n1,2\n\x00\x01\x02,3\n", &CsvOptions::default())
        .result
        .unwrap_err();
    assert!(
        matches!(error, ImportError::BinaryData { line: 3 }),
        "{error:?}"
    );
}

#[test]
fn bytes_that_are_not_utf8_are_rejected_unless_the_encoding_is_declared() {
    let latin1 = b"name,city\nJos\xe9,M\xfcnchen\n";
    let error = convert_bytes(latin1, &CsvOptions::default())
        .result
        .unwrap_err();
    assert!(
        matches!(error, ImportError::InvalidEncoding { line: 2, .. }),
        "{error:?}"
    );
    let declared = CsvOptions {
        encoding: Some("windows-1252".into()),
        ..CsvOptions::default()
    };
    let converted = convert_bytes(latin1, &declared);
    let result = converted.result.unwrap();
    assert_eq!(result.dialect.encoding, "windows-1252");
    assert_eq!(
        converted.batches[0].column(1).as_string::<i32>().value(0),
        "München"
    );
}

#[test]
fn a_wrongly_declared_encoding_is_rejected() {
    let utf8 = "name\nJosé\n".as_bytes();
    let declared = CsvOptions {
        encoding: Some("utf-16le".into()),
        ..CsvOptions::default()
    };
    let error = convert_bytes(utf8, &declared).result.unwrap_err();
    assert!(
        matches!(
            error,
            ImportError::InvalidEncoding { .. } | ImportError::BinaryData { .. }
        ),
        "{error:?}"
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "a,b\n1,é\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let converted = convert_bytes(&bytes, &CsvOptions::default());
    let result = converted.result.unwrap();
    assert_eq!(result.dialect.encoding, "utf-16le");
    assert_eq!(
        converted.batches[0].column(1).as_string::<i32>().value(0),
        "é"
    );
}

#[test]
fn an_empty_file_and_a_header_without_rows_are_rejected() {
    assert!(matches!(
        convert("").result.unwrap_err(),
        ImportError::Empty
    ));
    assert!(matches!(
        convert("\n\n").result.unwrap_err(),
        ImportError::Empty
    ));
    assert!(matches!(
        convert("a,b\n").result.unwrap_err(),
        ImportError::NoRows
    ));
}

#[test]
fn a_field_over_the_limit_is_rejected_naming_line_and_column() {
    let mut csv = String::from("id,notes\n1,short\n2,");
    csv.push_str(&"x".repeat(10 * 1024 * 1024));
    csv.push('\n');
    let error = convert(&csv).result.unwrap_err();
    match error {
        ImportError::FieldTooLarge { line, column, .. } => {
            assert_eq!(line, 3);
            assert_eq!(column, "notes");
        }
        other => panic!("expected a field-too-large error, got {other:?}"),
    }
}

#[test]
fn a_line_longer_than_the_guard_stops_reading_early() {
    let limits = ImportLimits {
        max_line_bytes: 1024,
        ..ImportLimits::default()
    };
    let csv = format!("a\n{}\n", "y".repeat(10_000));
    let error = convert_with_limits(csv.as_bytes(), &CsvOptions::default(), &limits)
        .result
        .unwrap_err();
    assert!(
        matches!(error, ImportError::LineTooLong { line: 2, .. }),
        "{error:?}"
    );
}

#[test]
fn duplicate_and_empty_column_names_are_rejected() {
    let duplicate = convert("a,b,a\n1,2,3\n").result.unwrap_err();
    assert!(matches!(duplicate, ImportError::DuplicateColumnName { ref name } if name == "a"));
    let empty = convert("a,,c\nx,2,3\n").result.unwrap_err();
    assert!(matches!(
        empty,
        ImportError::EmptyColumnName { position: 2 }
    ));
}

#[test]
fn an_override_changes_the_type_and_values_that_do_not_fit_it_name_their_line() {
    let as_text = CsvOptions {
        column_types: [("zip".to_owned(), ColumnType::Text)].into(),
        ..CsvOptions::default()
    };
    let converted = convert_bytes(b"zip\n01234\n98765\n", &as_text);
    assert_eq!(
        types(converted.result.as_ref().unwrap()),
        vec![("zip", "text")]
    );
    assert_eq!(
        converted.batches[0].column(0).as_string::<i32>().value(0),
        "01234"
    );

    let as_integer = CsvOptions {
        column_types: [("n".to_owned(), ColumnType::Integer)].into(),
        ..CsvOptions::default()
    };
    let error = convert_bytes(b"n\n1\n2\nthree\n", &as_integer)
        .result
        .unwrap_err();
    match error {
        ImportError::TypeMismatch {
            line,
            column,
            value,
            expected,
        } => {
            assert_eq!(
                (line, column.as_str(), value.as_str(), expected.as_str()),
                (4, "n", "three", "integer")
            );
        }
        other => panic!("expected a type mismatch, got {other:?}"),
    }
}

#[test]
fn an_override_for_a_column_the_file_lacks_is_rejected() {
    let options = CsvOptions {
        column_types: [("missing".to_owned(), ColumnType::Float)].into(),
        ..CsvOptions::default()
    };
    let error = convert_bytes(b"a\n1\n", &options).result.unwrap_err();
    assert!(matches!(error, ImportError::UnknownOverrideColumn { ref name } if name == "missing"));
}

#[test]
fn large_integers_keep_every_digit() {
    let converted = convert("big\n9223372036854775807\n-9223372036854775808\n");
    let batch = &converted.batches[0];
    assert_eq!(
        batch.column(0).as_primitive::<Int64Type>().values(),
        &[i64::MAX, i64::MIN]
    );
}

#[test]
fn quoted_fields_may_hold_delimiters_and_line_breaks() {
    let converted = convert("a,b\n\"x, y\",\"line one\nline two\"\n");
    let result = converted.result.unwrap();
    assert_eq!(result.row_count, 1);
    assert_eq!(
        converted.batches[0].column(1).as_string::<i32>().value(0),
        "line one\nline two"
    );
}

#[test]
fn many_rows_are_written_in_several_batches() {
    let mut csv = String::from("n,k\n");
    for row in 0..150_000 {
        csv.push_str(&format!("{row},{}\n", row % 7));
    }
    let converted = convert(&csv);
    assert_eq!(converted.result.unwrap().row_count, 150_000);
    let total: usize = converted.batches.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(total, 150_000);
}

#[test]
fn options_parse_from_json_with_a_tab_delimiter() {
    let options: CsvOptions = serde_json::from_str(
        r#"{"delimiter": "\\t", "has_header": false, "column_types": {"a": "date"}}"#,
    )
    .unwrap();
    assert_eq!(options.delimiter, Some(b'\t'));
    assert_eq!(options.has_header, Some(false));
    assert!(serde_json::from_str::<CsvOptions>(r#"{"delimiter": ",,"}"#).is_err());
    assert!(serde_json::from_str::<CsvOptions>(r#"{"column_types": {"a": "varchar"}}"#).is_err());
}

#[test]
fn a_quote_that_is_never_closed_is_rejected_naming_the_line_it_opened_on() {
    let converted = convert("name,comment\nAda,fine\nGrace,\"never closed\nLinus,ok\nKen,ok\n");
    let error = converted.result.unwrap_err();
    assert!(
        matches!(error, ImportError::UnclosedQuote { line: 3 }),
        "{error:?}"
    );
    assert_eq!(error.line(), Some(3));
    assert!(error.to_string().contains("line 3"));
    assert!(error.is_the_uploaders_fault());
}

#[test]
fn quotes_inside_unquoted_fields_and_doubled_quotes_are_not_unclosed_quotes() {
    let converted =
        convert("item,size,note\nscreen,27\",\"said \"\"big\"\"\"\ncable,2 m,\"two\nlines\"\n");
    let summary = converted.result.unwrap();
    assert_eq!(summary.row_count, 2);
}
