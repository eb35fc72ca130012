// Compare: a line diff (the `diff` package) of two versions' instructions, input template, settings and schema.
import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { GitCompare } from 'lucide-react';
import { diffLines } from 'diff';
import { ErrorNote, Field, Loading } from '../components/ui';
import { fetchVersion, type PromptVersion, versionKey } from './api';

const settingsText = (v: PromptVersion) =>
  [
    `model: ${v.model}`,
    `reasoning effort: ${v.reasoningEffort ?? '(model default)'}`,
    `temperature: ${v.temperature ?? '(model default)'}`,
    `max output tokens: ${v.maxOutputTokens ?? '(no limit)'}`,
  ].join('\n');

const PARTS: { title: string; text(v: PromptVersion): string }[] = [
  { title: 'Instructions', text: (v) => v.instructions },
  { title: 'Input template', text: (v) => v.input ?? '(default)' },
  { title: 'Settings', text: settingsText },
  { title: 'Output schema', text: (v) => JSON.stringify(v.outputSchema, null, 2) },
];

/** Lines of context kept around a change; longer unchanged runs fold into one line saying how many. */
const CONTEXT = 3;

type Line = { sign: '+' | '-' | ' ' | '⋯'; text: string };

function diffRows(before: string, after: string): Line[] {
  const parts = diffLines(before.endsWith('\n') ? before : `${before}\n`, after.endsWith('\n') ? after : `${after}\n`);
  const rows: Line[] = [];
  parts.forEach((part, i) => {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.added || part.removed) {
      for (const text of lines) rows.push({ sign: part.added ? '+' : '-', text });
      return;
    }
    const head = i === 0 ? 0 : CONTEXT;
    const tail = i === parts.length - 1 ? 0 : CONTEXT;
    if (lines.length <= head + tail + 1) {
      for (const text of lines) rows.push({ sign: ' ', text });
      return;
    }
    for (const text of lines.slice(0, head)) rows.push({ sign: ' ', text });
    rows.push({ sign: '⋯', text: `${lines.length - head - tail} unchanged lines` });
    for (const text of lines.slice(lines.length - tail)) rows.push({ sign: ' ', text });
  });
  return rows;
}

const ROW_CLASS = { '+': 'diff-added', '-': 'diff-removed', ' ': 'diff-same', '⋯': 'diff-fold' } as const;

function LineDiff({ title, before, after }: { title: string; before: string; after: string }) {
  const rows = diffRows(before, after);
  const changed = rows.some((r) => r.sign === '+' || r.sign === '-');
  return (
    <section className="diff-part" aria-label={`${title} changes`}>
      <h3>
        {title} {changed ? null : <span className="muted">(unchanged)</span>}
      </h3>
      {changed ? (
        <pre className="diff">
          {rows.map((row, i) => (
            <span key={i} className={ROW_CLASS[row.sign]}>
              {row.sign} {row.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : null}
    </section>
  );
}

export function Compare({ promptId, versions }: { promptId: string; versions: number[] }) {
  const newest = versions[0] ?? 1;
  const [from, setFrom] = useState(versions[1] ?? newest);
  const [to, setTo] = useState(newest);
  const [shown, setShown] = useState<[number, number] | null>(null);
  const [a, b] = useQueries({
    queries: (shown ?? [0, 0]).map((version) => ({
      queryKey: versionKey(promptId, version),
      queryFn: () => fetchVersion(promptId, version),
      enabled: shown !== null,
      staleTime: Number.POSITIVE_INFINITY,
    })),
  });
  const options = versions.map((v) => (
    <option key={v} value={v}>
      v{v}
    </option>
  ));
  return (
    <>
      <form
        className="row compare-form"
        onSubmit={(e) => {
          e.preventDefault();
          setShown([from, to]);
        }}
      >
        <Field id="compare-from" label="From version">
          <select id="compare-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {options}
          </select>
        </Field>
        <Field id="compare-to" label="To version">
          <select id="compare-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {options}
          </select>
        </Field>
        <button type="submit" className="secondary">
          <GitCompare aria-hidden size={16} /> Compare
        </button>
      </form>
      {shown && (a?.isPending || b?.isPending) ? <Loading text="Loading versions…" /> : null}
      {a?.isError ? <ErrorNote error={a.error} /> : null}
      {b?.isError ? <ErrorNote error={b.error} /> : null}
      {shown && a?.data && b?.data ? (
        <section className="diff-view" aria-label={`Changes from v${shown[0]} to v${shown[1]}`}>
          {PARTS.map((part) => (
            <LineDiff key={part.title} title={part.title} before={part.text(a.data)} after={part.text(b.data)} />
          ))}
        </section>
      ) : null}
    </>
  );
}
