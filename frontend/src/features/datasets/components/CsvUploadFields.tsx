import { useId, useState, type DragEvent } from "react";

import { Checkbox, SelectField } from "../../../components/ui/Field";
import { Icon } from "../../../components/ui/Icon";
import { COLUMN_TYPES, type ColumnType } from "../../../lib/api/types";
import { formatBytes } from "../../../lib/format";
import { guessDelimiter, parseCsvHeader, readFirstLine, type UploadOptions } from "../api/datasets";

export interface CsvUploadState {
  file: File | null;
  delimiter: string;
  hasHeader: boolean;
  columns: string[];
  columnTypes: Record<string, ColumnType | "">;
}

export const EMPTY_UPLOAD: CsvUploadState = { file: null, delimiter: ",", hasHeader: true, columns: [], columnTypes: {} };

const DELIMITERS = [
  { value: ",", label: "Comma ( , )" },
  { value: ";", label: "Semicolon ( ; )" },
  { value: "\t", label: "Tab" },
  { value: "|", label: "Pipe ( | )" },
];

/** The options sent with an upload: only what the person chose; the server detects the rest. */
export function uploadOptionsOf(state: CsvUploadState): UploadOptions {
  const columnTypes = Object.fromEntries(
    Object.entries(state.columnTypes).filter((entry): entry is [string, ColumnType] => entry[1] !== ""),
  );
  return {
    delimiter: state.delimiter,
    has_header: state.hasHeader,
    ...(Object.keys(columnTypes).length > 0 ? { column_types: columnTypes } : {}),
  };
}

export function CsvUploadFields({
  value,
  onChange,
  error,
}: {
  value: CsvUploadState;
  onChange: (next: CsvUploadState) => void;
  error?: string;
}) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);

  const chooseFile = async (file: File | null) => {
    if (!file) {
      onChange(EMPTY_UPLOAD);
      return;
    }
    const firstLine = await readFirstLine(file);
    const delimiter = guessDelimiter(firstLine);
    onChange({ file, delimiter, hasHeader: true, columns: parseCsvHeader(firstLine, delimiter), columnTypes: {} });
  };

  const handleDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void chooseFile(event.dataTransfer.files[0] ?? null);
  };

  return (
    <div className="stack">
      <div
        className={dragging ? "dropzone dropzone-active" : "dropzone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={handleDrop}
      >
        <Icon name="upload" className="state-icon" />
        {value.file ? (
          <p>
            <strong>{value.file.name}</strong> <span className="muted">({formatBytes(value.file.size)})</span>
          </p>
        ) : (
          <p>Drop a CSV file here, or choose one.</p>
        )}
        <label htmlFor={inputId} className="button button-small">
          {value.file ? "Choose another file" : "Choose a file"}
        </label>
        <input
          id={inputId}
          type="file"
          accept=".csv,text/csv,text/plain"
          className="visually-hidden"
          aria-describedby={error ? `${inputId}-error` : undefined}
          onChange={(event) => void chooseFile(event.target.files?.[0] ?? null)}
        />
        {error ? (
          <span id={`${inputId}-error`} className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
      {value.file ? (
        <details>
          <summary>Format and column types</summary>
          <div className="stack" style={{ marginTop: 12 }}>
            <div className="grid-2">
              <SelectField
                label="Delimiter"
                value={value.delimiter}
                options={DELIMITERS}
                onChange={(event) => {
                  const delimiter = event.target.value;
                  void readFirstLine(value.file as File).then((line) =>
                    onChange({ ...value, delimiter, columns: parseCsvHeader(line, delimiter), columnTypes: {} }),
                  );
                }}
              />
              <div style={{ alignSelf: "end", paddingBottom: 6 }}>
                <Checkbox
                  label="The first line names the columns"
                  checked={value.hasHeader}
                  onChange={(event) => onChange({ ...value, hasHeader: event.target.checked })}
                />
              </div>
            </div>
            {value.hasHeader && value.columns.length > 0 ? (
              <div className="table-wrap" style={{ maxHeight: 260 }}>
                <table className="table table-compact">
                  <caption className="visually-hidden">Column types</caption>
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Type</th>
                    </tr>
                  </thead>
                  <tbody>
                    {value.columns.map((column) => (
                      <tr key={column}>
                        <td className="mono">{column}</td>
                        <td>
                          <SelectField
                            label={`Type of ${column}`}
                            hideLabel
                            value={value.columnTypes[column] ?? ""}
                            placeholder="Detect automatically"
                            options={COLUMN_TYPES.map((type) => ({ value: type, label: type }))}
                            onChange={(event) =>
                              onChange({
                                ...value,
                                columnTypes: { ...value.columnTypes, [column]: event.target.value as ColumnType | "" },
                              })
                            }
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        </details>
      ) : null}
    </div>
  );
}

export function UploadProgressBar({ loaded, total }: { loaded: number; total: number }) {
  const percent = total > 0 ? Math.round((loaded / total) * 100) : 0;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <div
        className="progress"
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <span className="small muted">
        {percent < 100 ? `Uploading… ${percent}% of ${formatBytes(total)}` : "Converting and storing the file…"}
      </span>
    </div>
  );
}
