// CONTRACT §5: a turn list becomes one line per turn, `role: content`.
export type TranscriptInput = string | { role: string; content: string }[];

export function flattenTranscript(transcript: TranscriptInput): string {
  return typeof transcript === 'string' ? transcript : transcript.map((turn) => `${turn.role}: ${turn.content}`).join('\n');
}
