// The feature vector of a lead, from what is stored: its complete analysis (written by a prompt the
// customer owns, so no schema is guaranteed) and its calls. Every feature is a finite number; a missing or
// unreadable field gives the feature's neutral value, so odd analyses never crash training or scoring.
//
//  hasAnalysis     1 when the lead has a non-empty complete analysis, else 0 (lets the model tell
//                  "neutral" from "unknown").
//  sentiment       -1 negative … 0 neutral/missing … +1 positive.
//  interestLevel   0 … 1 ("7/10", "80%", a fraction, a number up to 10 or 100, or low/medium/high); missing 0.5.
//  budget          +1 confirmed, -1 none/rejected, 0 unknown/missing (an amount > 0 counts as confirmed).
//  timelineUrgency 1 now/this week … 0.75 this month … 0.5 quarter … 0.25 year … 0 none; missing 0.5.
//  decisionMaker   +1 the decision maker is involved, -1 not, 0 unknown/missing (a named person: 0.5).
//  objections      log(1 + number of objections/concerns); missing 0.
//  nextSteps       1 when next steps / action items are recorded, else 0.
//  callCount       log(1 + number of calls).
//  talkMinutes     log(1 + total talk time in minutes), from calls.duration_seconds.
//  engagementDays  log(1 + days between the first and the last call).
// Counts are log-scaled so one marathon lead does not dominate a user's standardization.

export const FEATURE_NAMES = [
  'hasAnalysis',
  'sentiment',
  'interestLevel',
  'budget',
  'timelineUrgency',
  'decisionMaker',
  'objections',
  'nextSteps',
  'callCount',
  'talkMinutes',
  'engagementDays',
] as const;

type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface CallFacts {
  count: number;
  talkSeconds: number;
  firstAt: Date | null;
  lastAt: Date | null;
}

export interface CallRow {
  durationSeconds?: number | string | null; // a double column may arrive as a string
  startedAt?: Date | null;
  createdAt?: Date | null;
}

export const NO_CALLS: CallFacts = { count: 0, talkSeconds: 0, firstAt: null, lastAt: null };

/** Keys as the analysis may spell them, compared lowercase without separators (interest_level = interestLevel). */
const ALIASES = {
  sentiment: ['sentiment', 'overallSentiment', 'sentimentScore', 'customerSentiment', 'leadSentiment', 'mood', 'tone'],
  interestLevel: [
    'interestLevel',
    'interest',
    'interestScore',
    'levelOfInterest',
    'buyingIntent',
    'intent',
    'engagementLevel',
    'engagement',
  ],
  budget: [
    'budget',
    'budgetConfirmed',
    'hasBudget',
    'budgetStatus',
    'budgetAvailable',
    'budgetApproved',
    'budgetAmount',
  ],
  timeline: [
    'timeline',
    'purchaseTimeline',
    'buyingTimeline',
    'decisionTimeline',
    'timeframe',
    'timeToDecision',
    'urgency',
  ],
  decisionMaker: [
    'decisionMaker',
    'isDecisionMaker',
    'decisionMakerInvolved',
    'decisionMakerPresent',
    'decisionMakerIdentified',
    'authority',
    'hasAuthority',
  ],
  objections: ['objections', 'concerns', 'objectionsRaised', 'risks', 'blockers'],
  nextSteps: ['nextSteps', 'nextStep', 'actionItems', 'followUp', 'followUps', 'agreedNextSteps'],
} as const;

const normalizeKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The analysis' fields by normalized key: top level first, then one level down (e.g. `qualification.budget`). */
function lookupTable(analysis: Record<string, unknown>): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const [key, value] of Object.entries(analysis)) table.set(normalizeKey(key), value);
  for (const value of Object.values(analysis)) {
    if (!isRecord(value)) continue;
    for (const [key, nested] of Object.entries(value))
      if (!table.has(normalizeKey(key))) table.set(normalizeKey(key), nested);
  }
  return table;
}

function find(table: Map<string, unknown>, aliases: readonly string[]): unknown {
  for (const alias of aliases) {
    const value = table.get(normalizeKey(alias));
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function finiteNumber(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d/.test(value)
        ? Number.parseFloat(value)
        : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** An object like `{ level: "high" }` or `{ confirmed: true }`: the first of these keys that holds a value. */
function unwrap(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const table = lookupTable(value);
  return find(table, [
    'value',
    'score',
    'level',
    'label',
    'status',
    'confirmed',
    'present',
    'involved',
    'overall',
    'amount',
  ]);
}

const NEGATIVE = /\b(no|not|none|never|lack|lacks|lacking|without|unconfirmed|false|denied|rejected|absent)\b/;
const UNKNOWN = /\b(unknown|unclear|unsure|maybe|tbd|n\/a|undetermined|not sure|pending)\b/;
const POSITIVE = /\b(yes|true|confirmed|approved|allocated|available|secured|has|involved|present|identified)\b/;

/** +1 / -1 / 0 for yes / no / unknown; undefined when the value says nothing recognizable. */
function polarity(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : -1;
  const n = finiteNumber(value);
  if (n !== undefined) return n > 0 ? 1 : n < 0 ? -1 : 0;
  if (typeof value !== 'string') return undefined;
  const text = value.toLowerCase();
  if (UNKNOWN.test(text)) return 0;
  if (NEGATIVE.test(text)) return -1;
  if (POSITIVE.test(text)) return 1;
  return undefined;
}

function sentimentOf(raw: unknown): number {
  const value = unwrap(raw);
  const n = finiteNumber(value);
  if (n !== undefined) return clamp(n >= -1 && n <= 1 ? n : n <= 10 ? (n - 5) / 5 : (n - 50) / 50, -1, 1);
  if (typeof value !== 'string') return 0;
  const text = value.toLowerCase();
  const positive = /positive|good|happy|enthusias|excited|optimistic|warm|satisfied/.test(text);
  const negative = /negative|bad|angry|frustrat|upset|hostile|cold|annoyed|dissatisfied/.test(text);
  if (positive === negative) return 0; // neutral, mixed, or unreadable
  const strength = /slightly|somewhat|mildly/.test(text) ? 0.5 : 1;
  return positive ? strength : -strength;
}

/**
 * A level on an unknown scale: "7/10", "3 of 5", "80%", a fraction (0.8) or a number up to 10 or 100.
 * An integer reads as 0–10 (a model writes 1.0 as 1, but "1" is far more often "1 out of 10").
 */
function levelOf(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ratio = /(-?\d+(?:\.\d+)?)\s*(?:\/|out of|of)\s*(\d+(?:\.\d+)?)/.exec(value);
    if (ratio && Number(ratio[2]) > 0) return clamp(Number(ratio[1]) / Number(ratio[2]), 0, 1);
    const percent = /(-?\d+(?:\.\d+)?)\s*%/.exec(value);
    if (percent) return clamp(Number(percent[1]) / 100, 0, 1);
  }
  const n = finiteNumber(value);
  if (n === undefined) return undefined;
  return clamp(n < 1 && !Number.isInteger(n) ? n : n <= 10 ? n / 10 : n / 100, 0, 1);
}

function interestOf(raw: unknown): number {
  const value = unwrap(raw);
  const level = levelOf(value);
  if (level !== undefined) return level;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return 0.5;
  const text = value.toLowerCase();
  if (/very high|extremely|hot\b/.test(text)) return 1;
  if (/very low|\bnone\b|\bno\b|not interested|cold/.test(text)) return 0;
  if (/high|strong|\bwarm/.test(text)) return 0.8;
  if (/low|weak/.test(text)) return 0.2;
  return 0.5;
}

function budgetOf(raw: unknown): number {
  if (isRecord(raw)) {
    const table = lookupTable(raw);
    const flag = find(table, ['confirmed', 'approved', 'hasBudget', 'available', 'status', 'value']);
    if (flag !== undefined) return polarity(flag) ?? 0;
    const amount = finiteNumber(find(table, ['amount', 'value', 'max', 'min']));
    return amount !== undefined && amount > 0 ? 1 : 0;
  }
  const n = finiteNumber(raw);
  if (n !== undefined && typeof raw === 'number') return n > 0 ? 1 : n === 0 ? -1 : 0; // an amount
  if (typeof raw === 'string' && /[$€£]\s*\d|\d\s*(k|usd|eur|gbp)\b/i.test(raw) && !NEGATIVE.test(raw.toLowerCase()))
    return 1;
  return polarity(raw) ?? 0;
}

const DAYS_PER_UNIT: Record<string, number> = { day: 1, week: 7, month: 30, quarter: 91, year: 365 };
const urgencyOfDays = (days: number) => (days <= 7 ? 1 : days <= 31 ? 0.75 : days <= 92 ? 0.5 : days <= 366 ? 0.25 : 0);

/** The built-in prompts' own timeline values, read directly (custom schemas go through the heuristics below). */
const BUILT_IN_TIMELINE: Record<string, number> = {
  now: 1,
  'this-month': 0.75,
  'this-quarter': 0.5,
  'this-year': 0.25,
  none: 0,
  unknown: 0.5,
};

function timelineOf(raw: unknown): number {
  const value = unwrap(raw);
  if (typeof value === 'string' && Object.hasOwn(BUILT_IN_TIMELINE, value)) return BUILT_IN_TIMELINE[value]!;
  if (typeof value === 'number' && Number.isFinite(value)) return urgencyOfDays(value); // days until the decision
  if (typeof value !== 'string') return 0.5;
  const text = value.toLowerCase();
  if (/\b(no timeline|none|never|no plans?)\b/.test(text)) return 0;
  // "2 weeks", "1-3 months": the later bound, in days.
  const span = /(\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(\d+(?:\.\d+)?))?\s*(day|week|month|quarter|year)s?\b/.exec(text);
  if (span) return urgencyOfDays(Number(span[2] ?? span[1]) * DAYS_PER_UNIT[span[3]!]!);
  if (/immediate|asap|\bnow\b|today|this week|urgent|\bhigh\b/.test(text)) return 1;
  if (/this month|next month|weeks/.test(text)) return 0.75;
  if (/quarter|months|\bmedium\b/.test(text)) return 0.5;
  if (/year|long|\blow\b/.test(text)) return 0.25;
  return 0.5;
}

function decisionMakerOf(raw: unknown): number {
  const value = unwrap(raw);
  const p = polarity(value);
  if (p !== undefined) return p;
  return typeof value === 'string' && value.trim() ? 0.5 : 0; // a named person or role
}

function countOf(raw: unknown): number {
  if (Array.isArray(raw)) return raw.filter((item) => item !== null && item !== '').length;
  const n = finiteNumber(raw);
  if (n !== undefined && typeof raw === 'number') return Math.max(0, n);
  if (typeof raw === 'string')
    return raw.trim() && polarity(raw) !== -1 ? raw.split(/[;\n]|,\s/).filter((s) => s.trim()).length : 0;
  if (isRecord(raw)) return Object.keys(raw).length;
  return 0;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const nonNegative = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);

/** Number of calls, total talk time and first/last call time (startedAt, else when the call arrived). */
export function summarizeCalls(calls: readonly CallRow[]): CallFacts {
  let talkSeconds = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const call of calls) {
    const seconds = Number(call.durationSeconds);
    if (Number.isFinite(seconds) && seconds > 0) talkSeconds += seconds;
    const at = (call.startedAt ?? call.createdAt)?.getTime();
    if (at === undefined || !Number.isFinite(at)) continue;
    first = first === null ? at : Math.min(first, at);
    last = last === null ? at : Math.max(last, at);
  }
  return {
    count: calls.length,
    talkSeconds,
    firstAt: first === null ? null : new Date(first),
    lastAt: last === null ? null : new Date(last),
  };
}

export function leadFeatures(completeAnalysis: unknown, calls: CallFacts = NO_CALLS): Features {
  const analysis = isRecord(completeAnalysis) ? completeAnalysis : {};
  const table = lookupTable(analysis);
  const days = calls.firstAt && calls.lastAt ? (calls.lastAt.getTime() - calls.firstAt.getTime()) / 86_400_000 : 0;
  return {
    hasAnalysis: table.size > 0 ? 1 : 0,
    sentiment: sentimentOf(find(table, ALIASES.sentiment)),
    interestLevel: interestOf(find(table, ALIASES.interestLevel)),
    budget: budgetOf(find(table, ALIASES.budget)),
    timelineUrgency: timelineOf(find(table, ALIASES.timeline)),
    decisionMaker: decisionMakerOf(find(table, ALIASES.decisionMaker)),
    objections: Math.log1p(countOf(find(table, ALIASES.objections))),
    nextSteps: countOf(find(table, ALIASES.nextSteps)) > 0 ? 1 : 0,
    callCount: Math.log1p(nonNegative(calls.count)),
    talkMinutes: Math.log1p(nonNegative(calls.talkSeconds) / 60),
    engagementDays: Math.log1p(nonNegative(days)),
  };
}

/** The features in FEATURE_NAMES order, as the model's input row. */
export function featureRow(features: Features): number[] {
  return FEATURE_NAMES.map((name) => features[name]);
}
