import { SelectField, TextField } from "../../../components/ui/Field";

export interface ConnectionDraft {
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  sslMode: string;
}

export const EMPTY_CONNECTION: ConnectionDraft = {
  host: "",
  port: "",
  database: "",
  username: "",
  password: "",
  sslMode: "prefer",
};

export function connectionComplete(draft: ConnectionDraft): boolean {
  return Boolean(draft.host.trim() && draft.port && draft.database.trim() && draft.username.trim() && draft.password);
}

/**
 * Where a database is and how to sign in to it. The password is write-only: the server seals it and
 * never returns it, so it is asked for whenever the connection is set.
 */
export function ConnectionFields({
  kind,
  value,
  onChange,
  fieldErrors,
  defaultPort,
}: {
  kind: "postgres" | "mysql";
  value: ConnectionDraft;
  onChange: (next: ConnectionDraft) => void;
  fieldErrors: Record<string, string>;
  defaultPort: number;
}) {
  const set = (patch: Partial<ConnectionDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="stack">
      <legend>Connection</legend>
      <div className="grid-2">
        <TextField
          label="Host"
          required
          value={value.host}
          placeholder="db.example.com"
          autoComplete="off"
          onChange={(event) => set({ host: event.target.value })}
          error={fieldErrors["connection.host"]}
        />
        <TextField
          label="Port"
          type="number"
          required
          min={1}
          max={65535}
          value={value.port}
          placeholder={String(defaultPort)}
          onChange={(event) => set({ port: event.target.value })}
          error={fieldErrors["connection.port"]}
        />
      </div>
      <TextField
        label="Database"
        required
        value={value.database}
        autoComplete="off"
        onChange={(event) => set({ database: event.target.value })}
        error={fieldErrors["connection.database"]}
      />
      <div className="grid-2">
        <TextField
          label="User"
          required
          value={value.username}
          autoComplete="off"
          onChange={(event) => set({ username: event.target.value })}
          error={fieldErrors["connection.username"]}
        />
        <TextField
          label="Password"
          type="password"
          required
          value={value.password}
          autoComplete="new-password"
          hint="Stored encrypted and never shown again."
          onChange={(event) => set({ password: event.target.value })}
          error={fieldErrors["connection.password"]}
        />
      </div>
      {kind === "postgres" ? (
        <SelectField
          label="TLS"
          value={value.sslMode}
          options={[
            { value: "prefer", label: "Use TLS when the server offers it" },
            { value: "require", label: "Require TLS" },
            { value: "disable", label: "Do not use TLS" },
          ]}
          onChange={(event) => set({ sslMode: event.target.value })}
          error={fieldErrors["connection.ssl_mode"]}
        />
      ) : null}
    </fieldset>
  );
}

export function connectionOf(kind: "postgres" | "mysql", draft: ConnectionDraft, defaultPort: number) {
  return {
    host: draft.host.trim(),
    port: draft.port ? Number(draft.port) : defaultPort,
    database: draft.database.trim(),
    username: draft.username.trim(),
    password: draft.password,
    ssl_mode: kind === "postgres" ? draft.sslMode : null,
  };
}
