// Reading Prometheus text in tests: parse with a real parser, then look samples up by name and labels.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Families = ReturnType<typeof parsePrometheusTextFormat> & { text: string };

/** Parses the whole exposition (throws on invalid text). */
export function parseMetrics(text: string): Families {
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

const matches = (labels: Record<string, string> | undefined, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => (labels?.[key] ?? '') === value);

/** Sum of a counter's or gauge's samples whose labels include `labels` (0 when none). */
export function sampleSum(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  return (family?.metrics ?? [])
    .filter((m) => matches(m.labels, labels))
    .reduce((sum, m) => sum + Number(m.value ?? 0), 0);
}

/**
 * Number of observations of a histogram whose labels include `labels`. The parser folds a labelled
 * histogram's series into one, so its `<name>_count` lines are parsed on their own, as a counter.
 */
export function histogramCount(families: Families, name: string, labels: Record<string, string> = {}): number {
  if (!families.some((f) => f.name === name && f.type === 'HISTOGRAM')) return 0;
  const lines = families.text
    .split('\n')
    .filter((line) => line.startsWith(`${name}_count{`) || line.startsWith(`${name}_count `));
  const counts = parsePrometheusTextFormat(`# TYPE ${name}_count counter\n${lines.join('\n')}\n`);
  return sampleSum(Object.assign(counts, { text: '' }), `${name}_count`, labels);
}
