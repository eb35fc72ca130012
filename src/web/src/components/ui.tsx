// Small shared pieces: page states (loading, error, empty), a detail page's heading, titled card, field wrapper
// with label and error, pager.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import * as Label from '@radix-ui/react-label';
import { AlertCircle, Loader2, type LucideIcon } from 'lucide-react';
import { errorMessage } from '../api/client';

export function Loading({ text = 'Loading…' }: { text?: string | undefined }) {
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

/**
 * What a page or section shows until its query has data: the loading text, or why the query failed. Shown while
 * the query is not successful (`if (!query.isSuccess) return <QueryState …/>`), which leaves its data defined.
 */
export function QueryState(props: { query: { isError: boolean; error: unknown }; loading?: string; failed: string }) {
  if (props.query.isError) return <ErrorNote error={props.query.error} prefix={props.failed} />;
  return <Loading text={props.loading} />;
}

/** A detail page's title, under the link back to the list it was opened from. */
export function DetailHeading(props: { back: string; backLabel: string; children: ReactNode }) {
  return (
    <>
      <p>
        <Link to={props.back}>← {props.backLabel}</Link>
      </p>
      <h1>{props.children}</h1>
    </>
  );
}

/** A button's icon: a spinner while its action runs, else `icon` (or none). */
export function BusyIcon({ busy, icon: Icon }: { busy: boolean; icon?: LucideIcon }) {
  if (busy) return <Loader2 className="spin" aria-hidden size={16} />;
  return Icon ? <Icon aria-hidden size={16} /> : null;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A card titled by its h2, which also names the section for assistive technology. */
export function Card({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
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
      <BusyIcon busy={props.loading} /> Load more
    </button>
  );
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
