// How each prompt performed on the caller's analyses (count, failures, fallbacks, tokens, latency).
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { Empty, QueryState } from './ui';
import { DataTable } from './data-table';

export function PromptMetrics() {
  const metrics = useQuery({
    queryKey: ['prompt-metrics'],
    queryFn: () => unwrap(api.GET('/api/openai-prompts/metrics')),
  });
  if (!metrics.isSuccess) return <QueryState query={metrics} failed="Metrics are not available" />;
  if (metrics.data.length === 0) return <Empty>No analyses yet — metrics appear once calls have been analysed.</Empty>;
  return (
    <DataTable
      columns={['Kind', 'Prompt', 'Source', 'Analyses', 'Failures', 'Fallbacks', 'Tokens in/out', 'p50 latency']}
    >
      {metrics.data.map((m) => (
        <tr key={`${m.kind}-${m.promptId}-${m.promptVersion}-${m.source}`}>
          <td>{m.kind}</td>
          <td>
            <code>{m.promptId}</code>
            {m.promptVersion ? ` v${m.promptVersion}` : ''}
          </td>
          <td>{m.source}</td>
          <td>{m.analyses}</td>
          <td>{m.failures}</td>
          <td>{m.fallbacks}</td>
          <td>
            {m.inputTokens} / {m.outputTokens}
          </td>
          <td>{m.p50LatencyMs === null ? '—' : `${Math.round(m.p50LatencyMs)} ms`}</td>
        </tr>
      ))}
    </DataTable>
  );
}
