// Sign-in: email and password; a wrong pair shows the API's message, success lands on Calls.
import { useState } from 'react';

import { api, errorMessage, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { BusyIcon, Field } from '../components/ui';

/** A required credential input under its label; the id doubles as the input type. */
function Credential(props: {
  id: 'email' | 'password';
  label: string;
  autoComplete: string;
  value: string;
  onChange(value: string): void;
}) {
  return (
    <Field id={props.id} label={props.label}>
      <input
        id={props.id}
        type={props.id}
        autoComplete={props.autoComplete}
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

export function SignInPage() {
  const { signIn, notice } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <main className="sign-in">
      <h1>CallSense</h1>
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const { token } = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
            // The router then leaves /sign-in for the page that was asked for (or Calls).
            signIn(token);
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>Sign in</h2>
        {notice ? <p className="notice">{notice}</p> : null}
        <Credential id="email" label="Email" autoComplete="username" value={email} onChange={setEmail} />
        <Credential
          id="password"
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        {error ? (
          <p className="error-note" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          <BusyIcon busy={busy} /> Sign in
        </button>
      </form>
    </main>
  );
}
