import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { Button } from "../../../components/ui/Button";
import { TextField } from "../../../components/ui/Field";
import { InlineError } from "../../../components/ui/States";
import { fieldErrorsOf } from "../../../lib/api/problem";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { AuthLayout } from "../components/AuthLayout";

const MINIMUM_PASSWORD_LENGTH = 12;

export function RegisterRoute() {
  useDocumentTitle("Create an account");
  const { register } = useAuth();
  const navigate = useNavigate();
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldErrors = fieldErrorsOf(error);
  const passwordTooShort = password.length < MINIMUM_PASSWORD_LENGTH;

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (passwordTooShort) return;
    setBusy(true);
    setError(null);
    try {
      await register({ displayName, email, password });
      navigate("/dashboards", { replace: true });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Create an account" subtitle="Build dashboards and share them with your team.">
      <form className="form" onSubmit={handleSubmit} noValidate>
        <InlineError error={Object.keys(fieldErrors).length ? null : error} />
        <TextField
          label="Your name"
          name="display_name"
          autoComplete="name"
          required
          autoFocus
          maxLength={100}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          error={fieldErrors.display_name}
        />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fieldErrors.email}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={MINIMUM_PASSWORD_LENGTH}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={`At least ${MINIMUM_PASSWORD_LENGTH} characters.`}
          error={fieldErrors.password}
        />
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          disabled={!displayName.trim() || !email.trim() || passwordTooShort}
        >
          Create account
        </Button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
