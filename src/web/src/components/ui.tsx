// Small shared pieces: page states (loading, error, empty), field wrapper with label and error, pager.
import type { ReactNode } from 'react';
import * as Label from '@radix-ui/react-label';
import { AlertCircle, Loader2 } from 'lucide-react';
import { errorMessage } from '../api/client';

export function Loading({ text = 'Loading…' }: { text?: string }) {
  return (
    <p className="muted loading" aria-busy="true">
      <Loader2 className="spin" aria-hidden size={16} /> {text}
    </p>
  );
}

export function ErrorNote({ error, prefix }: { error: unknown; prefix?: string }) {
  return (
    <p className="error-note" role="alert">
      <AlertCircle aria-hidden size={16} /> {prefix ? `${prefix}: ` : ''}
      {errorMessage(error)}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <Label.Root htmlFor={props.id}>{props.label}</Label.Root>
      {props.children}
      {props.hint ? <div className="hint">{props.hint}</div> : null}
      {props.error ? (
        <div className="field-error" id={`${props.id}-error`}>
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

export function LoadMore(props: { hasMore: boolean; loading: boolean; onClick(): void }) {
  if (!props.hasMore) return null;
  return (
    <button type="button" className="secondary" onClick={props.onClick} disabled={props.loading}>
      {props.loading ? <Loader2 className="spin" aria-hidden size={16} /> : null} Load more
    </button>
  );
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
