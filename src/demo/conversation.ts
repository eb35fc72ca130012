// What a demo call says and what the built-in prompt extracts from it. Every call starts as a set of facts (drawn
// from the lead's hidden quality, see generate.ts); the transcript says those facts in one of several phrasings,
// and the analysis states the same facts in the built-in schema, so the two always agree. The complete analysis
// folds a lead's call analyses the way the built-in complete prompt is asked to.
import type { Faker } from '@faker-js/faker';

type Sentiment = 'positive' | 'neutral' | 'negative';
type Budget = 'confirmed' | 'unknown' | 'none';
type Timeline = 'now' | 'this-month' | 'this-quarter' | 'this-year' | 'none' | 'unknown';
type DecisionMaker = 'involved' | 'not-involved' | 'unknown';

/** One call's facts: the built-in schema's fields (less the summary) plus what the transcript needs to say them. */
export interface CallFacts {
  stage: number;
  sentiment: Sentiment;
  interestLevel: number;
  budget: Budget;
  budgetAmount: number;
  timeline: Timeline;
  decisionMaker: DecisionMaker;
  objections: string[];
  nextSteps: string[];
}

/** Who talks: the rep, the prospect and their company. */
export interface Cast {
  repFirstName: string;
  contactFirstName: string;
  contactLastName: string;
  company: string;
  technicians: number;
  bossFirstName: string;
  competitor: string;
}

export type Analysis = {
  summary: string;
  sentiment: Sentiment;
  interestLevel: number;
  budget: Budget;
  timeline: Timeline;
  decisionMaker: DecisionMaker;
  objections: string[];
  nextSteps: string[];
};

/** The objections a prospect can raise: the analysis's wording and what the customer says. */
const OBJECTIONS: { label: string; says: (cast: Cast) => string }[] = [
  {
    label: 'Price per seat is above what they expected',
    says: () => 'Honestly the per-seat price is more than we pay today.',
  },
  {
    label: 'Worried about the migration from their current tool',
    says: (c) => `Moving everything off ${c.competitor} sounds like a lot of work for my team.`,
  },
  {
    label: 'Needs an integration with their accounting software',
    says: () => 'If it does not sync invoices with our accounting system, it is a non-starter.',
  },
  {
    label: 'Wants a shorter contract term',
    says: () => 'We are not going to sign anything longer than twelve months.',
  },
  {
    label: 'Technicians may resist a new mobile app',
    says: () => 'My older techs hate new apps. Getting them to use it is my real worry.',
  },
  {
    label: 'Already evaluating a competitor',
    says: (c) => `We are also looking at ${c.competitor}, they came in cheaper.`,
  },
  {
    label: 'Busy season makes the timing hard',
    says: () => 'Spring is our busy season, rolling something out now is tough.',
  },
];

const NEXT_STEPS: ((cast: Cast, facts: CallFacts) => string)[] = [
  (c) => `Send a proposal for ${c.technicians} technician seats`,
  (c) => `Book a demo with ${c.bossFirstName} and the dispatch team`,
  () => 'Share the QuickBooks integration guide',
  () => 'Set up a two-week pilot with one crew',
  () => 'Send two customer references in the same trade',
  (_, f) => `Follow up ${f.timeline === 'now' ? 'tomorrow' : 'next week'} with pricing options`,
];

const clampInt = (value: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(value)));

/** Draws a call's facts from the lead's quality (standard normal) and the call's place in the conversation. */
export function drawFacts(faker: Faker, quality: number, stage: number, previous: CallFacts | null): CallFacts {
  const noise = () => faker.number.float({ min: -1, max: 1 }) + faker.number.float({ min: -1, max: 1 });
  const q = quality + 0.45 * noise();
  const interestLevel = clampInt(5 + 2.1 * q + 0.4 * Math.min(stage, 3) - 0.6, 0, 10);
  const sentiment: Sentiment = interestLevel >= 7 ? 'positive' : interestLevel <= 3 ? 'negative' : 'neutral';
  const budgetDraw = q + 0.5 * noise() + 0.25 * stage;
  const budget: Budget =
    previous?.budget === 'confirmed' && budgetDraw > -0.5
      ? 'confirmed'
      : budgetDraw > 1.0
        ? 'confirmed'
        : budgetDraw < -1.1
          ? 'none'
          : 'unknown';
  const timelineDraw = q + 0.6 * noise();
  const timeline: Timeline =
    timelineDraw > 1.3
      ? 'now'
      : timelineDraw > 0.5
        ? 'this-month'
        : timelineDraw > -0.3
          ? 'this-quarter'
          : timelineDraw > -1.0
            ? 'this-year'
            : faker.datatype.boolean()
              ? 'none'
              : 'unknown';
  const dmDraw = q + 0.7 * noise() + 0.3 * stage;
  const decisionMaker: DecisionMaker = dmDraw > 0.9 ? 'involved' : dmDraw < -0.7 ? 'not-involved' : 'unknown';
  const objectionCount = clampInt(1.3 - 0.8 * q + 0.5 * noise(), 0, 3);
  const objections = faker.helpers.arrayElements(OBJECTIONS, objectionCount).map((o) => o.label);
  const stepCount = clampInt(1 + 0.7 * q + 0.5 * noise(), 0, 2);
  const nextSteps = Array.from({ length: stepCount }, (_, i) => String(i));
  return {
    stage,
    sentiment,
    interestLevel,
    budget,
    budgetAmount: faker.number.int({ min: 3, max: 40 }) * 500,
    timeline,
    decisionMaker,
    objections,
    nextSteps,
  };
}

const pick = <T>(faker: Faker, options: readonly T[]) => faker.helpers.arrayElement(options);

const TIMELINE_SAYS: Record<Timeline, string[]> = {
  now: ['We need something in place this week, our dispatcher just quit.', 'Ideally we would start right away.'],
  'this-month': ['We want to be live before the end of the month.', 'Sometime in the next few weeks would be ideal.'],
  'this-quarter': [
    'Probably this quarter, once the busy stretch is over.',
    'We are thinking within the next two months.',
  ],
  'this-year': ['Realistically this is a later-this-year project.', 'Maybe in the fall, when things slow down.'],
  none: ['There is no timeline, to be honest. We are just looking.', 'No plans to change anything right now.'],
  unknown: ['I cannot really say when yet.', 'Timing depends on a few things I do not control.'],
};

/** The conversation, one `agent:` or `customer:` line per turn, as our webhooks store a turn list. */
export function transcriptOf(faker: Faker, cast: Cast, facts: CallFacts, analysis: Analysis): string {
  const lines: [string, string][] = [];
  const agent = (text: string) => lines.push(['agent', text]);
  const customer = (text: string) => lines.push(['customer', text]);
  const who = cast.contactFirstName;
  if (facts.stage === 1) {
    agent(
      pick(faker, [
        `Hi ${who}, this is ${cast.repFirstName} from Dispatchly. Thanks for filling in the form on our site.`,
        `Hello ${who}, ${cast.repFirstName} with Dispatchly here. You asked about scheduling software?`,
      ]),
    );
    customer(
      `Yes, I run operations at ${cast.company}. We have ${cast.technicians} technicians and we schedule on a whiteboard.`,
    );
    agent('Got it. What made you start looking now?');
  } else {
    agent(
      pick(faker, [
        `Hi ${who}, ${cast.repFirstName} again. Thanks for making time for a follow-up.`,
        `${who}, good to talk again. Last time we left off on a few open questions.`,
      ]),
    );
    customer(pick(faker, ['Sure, I have about twenty minutes.', 'Yes, let us pick up where we left off.']));
    agent(facts.stage === 2 ? 'Did you get a chance to look at the demo recording?' : 'Shall we go over the numbers?');
  }
  if (facts.interestLevel >= 7)
    customer(
      pick(faker, [
        'We lose jobs every week because of double bookings. This would fix a real problem for us.',
        'I showed the route planning to my team and they loved it.',
        'This is exactly what we have been missing, the mobile app looks great.',
      ]),
    );
  else if (facts.interestLevel <= 3)
    customer(
      pick(faker, [
        'Honestly I am not sure we need this. The whiteboard works most days.',
        'I only booked the call because my partner asked me to.',
        'It looks nice, but I do not see us switching.',
      ]),
    );
  else
    customer(
      pick(faker, [
        'It looks interesting, I need to think about how it fits our day.',
        'Some of it is useful. I am not sure about the rest yet.',
      ]),
    );
  for (const label of facts.objections) {
    const objection = OBJECTIONS.find((o) => o.label === label)!;
    customer(objection.says(cast));
    agent(
      pick(faker, [
        'That is fair, a lot of our customers said the same before they started.',
        'Understood. Let me note that and come back with specifics.',
      ]),
    );
  }
  agent('How are you thinking about budget for this?');
  if (facts.budget === 'confirmed')
    customer(
      pick(faker, [
        `We have about $${facts.budgetAmount.toLocaleString('en-US')} a year approved for software like this.`,
        `The budget is approved, roughly $${facts.budgetAmount.toLocaleString('en-US')} for the first year.`,
      ]),
    );
  else if (facts.budget === 'none')
    customer(pick(faker, ['There is no budget for this right now.', 'We simply do not have money set aside for it.']));
  else customer(pick(faker, ['I would have to check what we can spend.', 'Budget is not decided yet.']));
  agent('And when would you want to have it running?');
  customer(pick(faker, TIMELINE_SAYS[facts.timeline]));
  if (facts.decisionMaker === 'involved')
    customer(
      pick(faker, [
        'For the record, I sign off on this myself.',
        `${cast.bossFirstName} joined us today, and she makes the call on tools like this.`,
      ]),
    );
  else if (facts.decisionMaker === 'not-involved')
    customer(
      `${cast.bossFirstName}, our owner, has the final say and she was not on this call. I will have to sell it to her.`,
    );
  if (analysis.nextSteps.length) {
    agent(`So, next steps: ${analysis.nextSteps.map((s) => s.charAt(0).toLowerCase() + s.slice(1)).join(', and ')}?`);
    customer(pick(faker, ['Yes, that works for us.', 'Sounds good, send it over.']));
  } else {
    agent('Should I reach out again in a few weeks?');
    customer(pick(faker, ['We will call you if anything changes.', 'No need, we will get in touch if we want to.']));
  }
  agent(pick(faker, [`Thanks ${who}, talk soon.`, `Great, thank you ${who}. Have a good day.`]));
  return lines.map(([role, text]) => `${role}: ${text}`).join('\n');
}

const SENTIMENT_WORDS: Record<Sentiment, string> = {
  positive: 'keen',
  neutral: 'undecided',
  negative: 'sceptical',
};

/** The built-in individual prompt's answer for these facts. */
export function analysisOf(faker: Faker, cast: Cast, facts: CallFacts): Analysis {
  const steps = faker.helpers.arrayElements(NEXT_STEPS, facts.nextSteps.length).map((step) => step(cast, facts));
  const stage = facts.stage === 1 ? 'Discovery call' : facts.stage === 2 ? 'Demo follow-up' : 'Follow-up call';
  const budget =
    facts.budget === 'confirmed'
      ? `a budget of about $${facts.budgetAmount.toLocaleString('en-US')} is approved`
      : facts.budget === 'none'
        ? 'there is no budget'
        : 'the budget is open';
  const summary =
    `${stage} with ${cast.contactFirstName} ${cast.contactLastName} of ${cast.company} (${cast.technicians} ` +
    `technicians). The prospect is ${SENTIMENT_WORDS[facts.sentiment]}; ${budget}.` +
    (facts.objections.length ? ` Main concern: ${facts.objections[0]!.toLowerCase()}.` : '');
  return {
    summary,
    sentiment: facts.sentiment,
    interestLevel: facts.interestLevel,
    budget: facts.budget,
    timeline: facts.timeline,
    decisionMaker: facts.decisionMaker,
    objections: facts.objections,
    nextSteps: steps,
  };
}

/**
 * What a looser prompt version extracts from the same call: instructions that never mention the decision maker
 * leave it `unknown`, and it misses many budgets and timelines the customer only implied, and some next steps.
 */
export function looserReading(faker: Faker, analysis: Analysis): Analysis {
  const miss = (share: number) => faker.number.float({ min: 0, max: 1 }) < share;
  return {
    ...analysis,
    budget: analysis.budget !== 'unknown' && miss(0.6) ? 'unknown' : analysis.budget,
    timeline: analysis.timeline !== 'unknown' && miss(0.55) ? 'unknown' : analysis.timeline,
    decisionMaker: 'unknown',
    interestLevel: clampInt(analysis.interestLevel + faker.number.int({ min: -3, max: 3 }), 0, 10),
    nextSteps: miss(0.4) ? [] : analysis.nextSteps,
  };
}

const TIMELINE_ORDER: Timeline[] = ['now', 'this-month', 'this-quarter', 'this-year', 'none'];

/** The lead's complete analysis after these call analyses (oldest first), as the built-in complete prompt folds. */
export function foldAnalyses(cast: Cast, analyses: readonly Analysis[]): Analysis {
  const latest = analyses[analyses.length - 1]!;
  const known = <T>(values: T[], unknown: T) => values.filter((value) => value !== unknown);
  const budgets = analyses.map((a) => a.budget);
  const budget: Budget = budgets.includes('confirmed') ? 'confirmed' : (known(budgets, 'unknown').pop() ?? 'unknown');
  const timelines = known(
    analyses.map((a) => a.timeline),
    'unknown',
  );
  const timeline = timelines.length
    ? timelines.reduce((a, b) => (TIMELINE_ORDER.indexOf(b) < TIMELINE_ORDER.indexOf(a) ? b : a))
    : 'unknown';
  const makers = analyses.map((a) => a.decisionMaker);
  const decisionMaker: DecisionMaker = makers.includes('involved')
    ? 'involved'
    : (known(makers, 'unknown').pop() ?? 'unknown');
  const objections = [...new Set(analyses.flatMap((a) => a.objections))].slice(0, 5);
  const interestLevel =
    analyses.length > 1
      ? Math.round((2 * latest.interestLevel + analyses[analyses.length - 2]!.interestLevel) / 3)
      : latest.interestLevel;
  const calls = analyses.length === 1 ? 'one call' : `${analyses.length} calls`;
  const summary =
    `${cast.company} (${cast.technicians} technicians), ${calls} so far with ${cast.contactFirstName} ` +
    `${cast.contactLastName}. Latest: ${latest.summary}`;
  return {
    summary,
    sentiment: latest.sentiment,
    interestLevel,
    budget,
    timeline,
    decisionMaker,
    objections,
    nextSteps: latest.nextSteps,
  };
}
