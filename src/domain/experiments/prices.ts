// Tokens into US dollars: OPENAI_PRICES (USD per million input and output tokens, by model) over the built-in
// prices of the default models. A model without a price gives null rather than a guess; the flex tier costs half.

export type PriceTable = Record<string, { input: number; output: number }>;

/** Published list prices of the models CallSense defaults to, per million tokens. */
export const BUILT_IN_PRICES: PriceTable = {
  'gpt-6-luna': { input: 0.4, output: 1.6 },
  'gpt-6-luna-mini': { input: 0.1, output: 0.4 },
};

/** The price of `model`, also when OpenAI reports a dated snapshot of it (`gpt-6-luna-2026-09-01`). */
function priceOf(prices: PriceTable, model: string) {
  if (prices[model]) return prices[model];
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return prices[base];
}

export function costUsd(
  prices: PriceTable,
  model: string,
  tier: 'flex' | 'default',
  inputTokens: number,
  outputTokens: number,
): number | null {
  const price = priceOf(prices, model);
  if (!price) return null;
  const full = (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  return tier === 'flex' ? full / 2 : full;
}
