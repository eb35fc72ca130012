// Features from analyses the customer's prompt shapes freely: spelled several ways, nested, odd, or absent.
import t, { type Test } from 'tap';
import {
  FEATURE_NAMES,
  NO_CALLS,
  featureRow,
  leadFeatures,
  summarizeCalls,
  type Features,
} from '../../src/domain/scoring/features.js';
import { holdoutBucket, splitHoldout, HOLDOUT_SHARE } from '../../src/domain/scoring/holdout.js';

const NEUTRAL = {
  hasAnalysis: 0,
  sentiment: 0,
  interestLevel: 0.5,
  budget: 0,
  timelineUrgency: 0.5,
  decisionMaker: 0,
  objections: 0,
  nextSteps: 0,
  callCount: 0,
  talkMinutes: 0,
  engagementDays: 0,
};

t.test('no analysis and no calls: every feature at its neutral value', async (t) => {
  for (const analysis of [null, undefined, {}, [], 'text', 42, true])
    t.same(leadFeatures(analysis), NEUTRAL, JSON.stringify(analysis) ?? 'undefined');
});

t.test('odd values never crash and always give finite numbers', async (t) => {
  const odd: unknown[] = [
    null,
    NaN,
    Infinity,
    -Infinity,
    '',
    '   ',
    [],
    [null],
    {},
    { nested: { deeper: { x: 1 } } },
    'NaN',
    '1e999',
    -5,
    1e12,
    true,
    false,
    [1, 'a', {}],
    { score: 'abc' },
  ];
  for (const value of odd) {
    const analysis = Object.fromEntries(
      ['sentiment', 'interestLevel', 'budget', 'timeline', 'decisionMaker', 'objections', 'nextSteps'].map((k) => [
        k,
        value,
      ]),
    );
    const row = featureRow(
      leadFeatures(analysis, { count: 3, talkSeconds: NaN, firstAt: new Date('invalid'), lastAt: null }),
    );
    t.ok(row.every(Number.isFinite), `${String(JSON.stringify(value))} → ${row.join(',')}`);
  }
});

/** Each case: an analysis `{ [key]: value }` gives the feature `expected` (and `why`, when it needs saying). */
type Case = [value: unknown, expected: number, why?: string];

function expectFeature(t: Test, feature: keyof Features, key: string, cases: Case[]) {
  for (const [value, expected, why] of cases)
    t.equal(leadFeatures({ [key]: value })[feature], expected, why ?? `${key}: ${JSON.stringify(value)}`);
}

t.test('sentiment: labels, strengths and numeric scales', async (t) => {
  expectFeature(t, 'sentiment', 'sentiment', [
    ['positive', 1],
    ['Very Negative', -1],
    ['slightly positive', 0.5],
    ['neutral', 0],
    ['mixed: positive and negative', 0],
    [0.4, 0.4, 'already -1..1'],
    [8, 0.6, '0–10 scale'],
    [75, 0.5, '0–100 scale'],
    [{ label: 'negative', score: undefined }, -1, 'an object with a label'],
  ]);
  expectFeature(t, 'sentiment', 'overall_sentiment', [['positive', 1, 'snake_case alias']]);
  expectFeature(t, 'sentiment', 'customerSentiment', [['happy', 1, 'another alias']]);
});

t.test('interest level: 0–1, 0–10, 0–100, words, "7/10"', async (t) => {
  expectFeature(t, 'interestLevel', 'interest_level', [
    [0.3, 0.3],
    [8, 0.8],
    [65, 0.65],
    ['7/10', 0.7],
    ['3 out of 5', 0.6],
    ['about 80%', 0.8],
    [1, 0.1, 'an integer is on the 0–10 scale'],
    [0, 0],
    ['High', 0.8],
    ['very high', 1],
    ['low', 0.2],
    ['not interested', 0],
    ['medium', 0.5],
  ]);
  expectFeature(t, 'interestLevel', 'Interest Level', [[10, 1, 'spaces and capitals in the key']]);
});

t.test('budget: confirmed, denied, unknown, amounts, nested objects', async (t) => {
  expectFeature(t, 'budget', 'budget', [
    [true, 1],
    [false, -1],
    ['Confirmed', 1],
    ['no budget this year', -1],
    ['unconfirmed', -1],
    ['unknown', 0],
    [50000, 1, 'an amount'],
    ['$20k', 1],
    [{ confirmed: false, amount: 1000 }, -1, 'the flag wins over the amount'],
    [{ amount: 1000 }, 1],
  ]);
  expectFeature(t, 'budget', 'qualification', [[{ budget_confirmed: 'yes' }, 1, 'one level down']]);
  t.equal(leadFeatures({ budget: 'approved', qualification: { budget: 'none' } }).budget, 1, 'the top level wins');
});

t.test('timeline urgency: words, spans and days', async (t) => {
  expectFeature(t, 'timelineUrgency', 'timeline', [
    ['immediately', 1],
    ['ASAP', 1],
    ['within 2 weeks', 0.75],
    ['1-3 months', 0.5],
    ['6 months', 0.25],
    ['next year', 0.25],
    ['no timeline', 0],
    [5, 1, 'days'],
    [400, 0],
    ['sometime', 0.5],
  ]);
  expectFeature(t, 'timelineUrgency', 'purchase_timeline', [['this month', 0.75]]);
});

t.test('decision maker, objections, next steps', async (t) => {
  t.equal(leadFeatures({ decisionMaker: true }).decisionMaker, 1);
  t.equal(leadFeatures({ is_decision_maker: 'no' }).decisionMaker, -1);
  t.equal(leadFeatures({ decisionMaker: 'Jane Doe, CFO' }).decisionMaker, 0.5, 'a named person');
  t.equal(leadFeatures({ decisionMaker: 'unclear' }).decisionMaker, 0);
  t.equal(leadFeatures({ objections: ['price', 'timing'] }).objections, Math.log1p(2));
  t.equal(leadFeatures({ concerns: 'price, integration' }).objections, Math.log1p(2));
  t.equal(leadFeatures({ objections: 'none' }).objections, 0);
  t.equal(leadFeatures({ nextSteps: ['send proposal'] }).nextSteps, 1);
  t.equal(leadFeatures({ next_steps: [] }).nextSteps, 0);
  t.equal(leadFeatures({ summary: 'x' }).hasAnalysis, 1);
});

t.test('call facts: count, talk time, days between first and last call', async (t) => {
  const facts = summarizeCalls([
    { durationSeconds: 120, startedAt: new Date('2026-01-01T10:00:00Z') },
    { durationSeconds: '60' as unknown as number, startedAt: null, createdAt: new Date('2026-01-11T10:00:00Z') },
    { durationSeconds: null, startedAt: new Date('2026-01-05T10:00:00Z') },
    { durationSeconds: -30 },
  ]);
  t.same(facts, {
    count: 4,
    talkSeconds: 180,
    firstAt: new Date('2026-01-01T10:00:00Z'),
    lastAt: new Date('2026-01-11T10:00:00Z'),
  });
  const f = leadFeatures(null, facts);
  t.equal(f.callCount, Math.log1p(4));
  t.equal(f.talkMinutes, Math.log1p(3));
  t.equal(f.engagementDays, Math.log1p(10));
  t.equal(f.hasAnalysis, 0);
  t.same(summarizeCalls([]), NO_CALLS);
});

t.test('featureRow follows FEATURE_NAMES', async (t) => {
  const f = leadFeatures(
    { sentiment: 'positive', budget: true },
    { count: 1, talkSeconds: 60, firstAt: null, lastAt: null },
  );
  t.same(
    featureRow(f),
    FEATURE_NAMES.map((name) => f[name]),
  );
  t.equal(FEATURE_NAMES.length, new Set(FEATURE_NAMES).size);
});

t.test('holdout: about a quarter, stable per lead, both classes on both sides', async (t) => {
  const ids = Array.from({ length: 4000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const share = ids.filter((id) => holdoutBucket(id) < HOLDOUT_SHARE).length / ids.length;
  t.ok(share > 0.22 && share < 0.28, `share ${share}`);

  const items = ids.slice(0, 200).map((id, i) => ({ id, label: (i % 2) as 0 | 1 }));
  const first = splitHoldout(items);
  const again = splitHoldout([...items].reverse());
  t.same(new Set(again.holdout.map((e) => e.id)), new Set(first.holdout.map((e) => e.id)), 'order does not matter');
  t.equal(first.training.length + first.holdout.length, items.length);
  const grown = splitHoldout([...items, ...ids.slice(200, 260).map((id) => ({ id, label: 1 as const }))]);
  t.ok(
    first.holdout.every((e) => grown.holdout.some((g) => g.id === e.id)),
    'new leads do not move old ones out of the holdout',
  );

  for (let start = 0; start < 200; start += 4) {
    const tiny = splitHoldout(ids.slice(start, start + 4).map((id, i) => ({ id, label: (i % 2) as 0 | 1 })));
    for (const side of [tiny.training, tiny.holdout])
      t.same(new Set(side.map((e) => e.label)), new Set([0, 1]), `ids ${start}..${start + 3}`);
  }
  t.throws(
    () =>
      splitHoldout([
        { id: ids[0]!, label: 1 },
        { id: ids[1]!, label: 0 },
        { id: ids[2]!, label: 0 },
      ]),
    'one WON lead cannot be split',
  );
});
