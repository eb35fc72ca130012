// A turn list becomes one line per turn, `role: content`.
export type TranscriptInput = string | { role: string; content: string }[];

export function flattenTranscript(transcript: TranscriptInput): string {
  return typeof transcript === 'string'
    ? transcript
    : transcript.map((turn) => `${turn.role}: ${turn.content}`).join('\n');
}

/** The most text one call may carry, whichever form it arrives in (a turn list counts its flattened text). */
export const MAX_TRANSCRIPT_CHARS = 500_000;

export function transcriptLength(transcript: TranscriptInput): number {
  if (typeof transcript === 'string') return transcript.length;
  // role + ': ' + content per turn, and a newline between turns: exactly flattenTranscript's length.
  return (
    transcript.reduce((sum, turn) => sum + turn.role.length + 2 + turn.content.length, 0) +
    Math.max(0, transcript.length - 1)
  );
}
