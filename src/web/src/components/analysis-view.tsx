// Renders any JSON value readably: objects as definition lists, arrays as lists, scalars as text.
const label = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

export function AnalysisView({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    return (
      <ul className="tree-list">
        {value.map((item, i) => (
          <li key={i}>
            <AnalysisView value={item} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return <span className="muted">empty</span>;
    return (
      <dl className="tree">
        {entries.map(([key, item]) => (
          <div key={key} className="tree-row">
            <dt>{label(key)}</dt>
            <dd>
              <AnalysisView value={item} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (typeof value === 'boolean') return <span>{value ? 'yes' : 'no'}</span>;
  return <span>{String(value)}</span>;
}
