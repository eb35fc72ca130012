// Score bands: A ≥ 0.75 > B ≥ 0.5 > C ≥ 0.25 > D.
export type Band = 'A' | 'B' | 'C' | 'D';
export const bandOf = (score: number): Band => (score >= 0.75 ? 'A' : score >= 0.5 ? 'B' : score >= 0.25 ? 'C' : 'D');
