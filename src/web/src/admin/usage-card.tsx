// Admin → Integrations: the organization's OpenAI use today against its daily token budget, and a notice when
// the budget is spent (calls then wait in `queued` until it resets).
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { Card, QueryState } from '../components/ui';

const tokens = (n: number) => n.toLocaleString('en-US');
const dollars = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export function UsageCard() {
  const usage = useQuery({
    queryKey: ['admin-usage'],
    queryFn: () => unwrap(api.GET('/api/admin/usage')),
    refetchInterval: 60_000,
  });
  return (
    <Card id="openai-usage" title="OpenAI usage">
      {usage.isSuccess ? (
        <UsageSummary usage={usage.data} />
      ) : (
        <QueryState query={usage} loading="Loading usage…" failed="Could not load the usage" />
      )}
    </Card>
  );
}

type Usage = {
  today: { inputTokens: number; outputTokens: number; costUsd: number };
  budgetTokens: number;
  resetsAt: string;
  days: { date: string; inputTokens: number; outputTokens: number; costUsd: number }[];
};

function UsageSummary({ usage }: { usage: Usage }) {
  const spent = usage.today.inputTokens + usage.today.outputTokens;
  const month = usage.days.reduce((sum, day) => sum + day.costUsd, 0);
  const exhausted = usage.budgetTokens > 0 && spent >= usage.budgetTokens;
  return (
    <>
      {exhausted ? (
        <p role="alert" className="alert">
          Today's OpenAI budget is spent: new calls wait in the queue and experiments pause until{' '}
          {new Date(usage.resetsAt).toLocaleString()}. Raise OPENAI_TOKEN_BUDGET_PER_DAY to allow more.
        </p>
      ) : null}
      <dl className="usage">
        <dt>Today</dt>
        <dd>
          {tokens(spent)} tokens
          {usage.budgetTokens > 0 ? ` of ${tokens(usage.budgetTokens)}` : ' (no daily limit)'} ·{' '}
          {dollars(usage.today.costUsd)}
        </dd>
        <dt>Last 30 days</dt>
        <dd>{dollars(month)}</dd>
      </dl>
    </>
  );
}
