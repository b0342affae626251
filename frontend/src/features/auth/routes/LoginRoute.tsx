import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { Button } from "../../../components/ui/Button";
import { TextField } from "../../../components/ui/Field";
import { Alert, InlineError } from "../../../components/ui/States";
import { fieldErrorsOf } from "../../../lib/api/problem";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { AuthLayout } from "../components/AuthLayout";

/** Only paths inside the application are followed after signing in, never another site. */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return "/dashboards";
  return next;
}

export function LoginRoute() {
  useDocumentTitle("Sign in");
  const { signIn, state } = useAuth();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldErrors = fieldErrorsOf(error);
  const expired = state.status === "signed-out" && state.reason === "expired";

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn({ email, password });
      navigate(safeNextPath(searchParams.get("next")), { replace: true });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to see your dashboards.">
      <form className="form" onSubmit={handleSubmit} noValidate>
        {expired && !error ? (
          <Alert tone="info">Your session has ended. Please sign in again.</Alert>
        ) : null}
        <InlineError error={Object.keys(fieldErrors).length ? null : error} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fieldErrors.email}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldErrors.password}
        />
        <Button type="submit" variant="primary" busy={busy} disabled={!email || !password}>
          Sign in
        </Button>
      </form>
      <p className="auth-switch">
        New to vizpro? <Link to="/register">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
