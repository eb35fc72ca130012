// The short call every validation runs a prompt on: a live answer that matches the version's schema shows the
// model, parameters and schema work together before anyone's real calls depend on them.
export const SAMPLE_TRANSCRIPT = [
  'agent: Thanks for taking the time today. What made you look at a new dialer?',
  'customer: Our reps lose about an hour a day on manual dialing. We have budget set aside this quarter.',
  'agent: Who else would be part of the decision?',
  'customer: I sign off on tools under twenty thousand, so it is my call. Price is my main worry.',
  'agent: Shall I send a proposal and book a demo for your team next week?',
  'customer: Yes, please do.',
].join('\n');

export const SAMPLE_VARIABLES = {
  transcript: SAMPLE_TRANSCRIPT,
  'call.startedAt': '2026-12-01T15:00:00.000Z',
  'call.durationSeconds': 312,
  'call.source': 'callsense',
  'lead.externalId': 'sample-lead',
  'lead.name': 'Sample Lead',
  'lead.callCount': 1,
  'rep.firstName': 'Sam',
  'rep.lastName': 'Rep',
  'organization.name': 'Sample Organization',
  'preferences.chatbotTone': 'professional',
  'preferences.customInstructions': '',
  'preferences.preferredContactTime': '',
  'lead.previousAnalysis': 'null',
  'lead.newAnalyses': JSON.stringify([
    {
      callId: 'sample-call',
      startedAt: '2026-12-01T15:00:00.000Z',
      durationSeconds: 312,
      analysis: { summary: 'A first discovery call.', sentiment: 'positive', interestLevel: 7 },
    },
  ]),
};

export const SAMPLE_COMPLETE_INPUT = JSON.stringify({
  lead: { externalId: 'sample-lead', name: 'Sample Lead', callCount: 1 },
  previousAnalysis: null,
  newAnalyses: JSON.parse(SAMPLE_VARIABLES['lead.newAnalyses']),
});
