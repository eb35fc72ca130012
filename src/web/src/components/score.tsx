// A lead's score: band, top contributions as a bar chart, and the score's history as a line chart.
import { useQuery } from '@tanstack/react-query';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  Cell,
} from 'recharts';
import { api, unwrap } from '../api/client';
import { Empty, Loading, QueryState } from './ui';

export function LeadScoreCard({ leadId }: { leadId: string }) {
  const score = useQuery({
    queryKey: ['lead-score', leadId],
    queryFn: () => unwrap(api.GET('/api/leads/{id}/score', { params: { path: { id: leadId } } })),
    retry: false,
  });
  if (score.isPending) return <Loading text="Loading score…" />;
  if (score.isError) return <Empty>{score.error.message || 'This lead has no score yet.'}</Empty>;
  const s = score.data;
  const top = s.contributions.slice(0, 8).map((c) => ({ ...c, contribution: Number(c.contribution.toFixed(4)) }));
  return (
    <>
      <p className="score-line">
        <span className={`band band-${s.band}`} role="img" aria-label={`Band ${s.band}`}>
          {s.band}
        </span>
        <strong>{Math.round(s.score * 100)}%</strong>
        <span className="muted">
          model v{s.modelVersion} ({s.scope}) · scored {new Date(s.scoredAt).toLocaleString()}
        </span>
      </p>
      <h3>Top contributions</h3>
      {top.length === 0 ? (
        <Empty>No feature contributions.</Empty>
      ) : (
        <div className="chart" role="img" aria-label="Top contributions to the score">
          <ResponsiveContainer width="100%" height={Math.max(160, top.length * 32)}>
            <BarChart data={top} layout="vertical" margin={{ left: 16, right: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" />
              <YAxis type="category" dataKey="feature" width={140} />
              <Tooltip />
              <Bar dataKey="contribution" isAnimationActive={false}>
                {top.map((c) => (
                  <Cell key={c.feature} fill={c.contribution >= 0 ? '#15803d' : '#b91c1c'} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <ul className="sr-only">
        {top.map((c) => (
          <li key={c.feature}>
            {c.feature}: {c.contribution}
          </li>
        ))}
      </ul>
    </>
  );
}

export function ScoreHistoryChart({ leadId }: { leadId: string }) {
  const history = useQuery({
    queryKey: ['lead-score-history', leadId],
    queryFn: () => unwrap(api.GET('/api/leads/{id}/score/history', { params: { path: { id: leadId } } })),
    retry: false,
  });
  if (!history.isSuccess) return <QueryState query={history} failed="Score history is not available" />;
  if (history.data.length === 0) return <Empty>No scores yet — a lead is scored once a scoring model exists.</Empty>;
  const points = [...history.data]
    .reverse()
    .map((h) => ({ ...h, when: new Date(h.at).toLocaleDateString(), pct: Math.round(h.score * 100) }));
  return (
    <div className="chart" role="img" aria-label="Score history">
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ left: 0, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="when" />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip />
          <Line type="monotone" dataKey="pct" name="score" stroke="#2563eb" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
