// Sign-in: email and password; a wrong pair shows the API's message, success lands on Calls.
import { useState } from 'react';
import { Loader2 } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { Field } from '../components/ui';

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
        <Field id="email" label="Email">
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field id="password" label="Password">
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {error ? (
          <p className="error-note" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? <Loader2 className="spin" aria-hidden size={16} /> : null} Sign in
        </button>
      </form>
    </main>
  );
}
