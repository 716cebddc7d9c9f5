/**
 * List prices of well-known models, in USD per token (input, output), for cost-based routing
 * when a deployment does not set `input_cost_per_token` / `output_cost_per_token`. Standard
 * (non-batch, non-cached, shortest-context) list prices as published by each provider in 2025;
 * a deployment's own values always win, so anyone with negotiated prices sets those.
 */

/** Dollars per token for `million` dollars per million tokens. */
const perMillion = (input: number, output: number): ModelPrice => ({
  input: input / 1_000_000,
  output: output / 1_000_000,
});

export interface ModelPrice {
  /** USD per input token. */
  readonly input: number;
  /** USD per output token. */
  readonly output: number;
}

const PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-5': perMillion(1.25, 10),
  'gpt-5-mini': perMillion(0.25, 2),
  'gpt-5-nano': perMillion(0.05, 0.4),
  'gpt-4.1': perMillion(2, 8),
  'gpt-4.1-mini': perMillion(0.4, 1.6),
  'gpt-4.1-nano': perMillion(0.1, 0.4),
  'gpt-4o': perMillion(2.5, 10),
  'gpt-4o-mini': perMillion(0.15, 0.6),
  'gpt-4-turbo': perMillion(10, 30),
  'gpt-4': perMillion(30, 60),
  'gpt-3.5-turbo': perMillion(0.5, 1.5),
  o1: perMillion(15, 60),
  'o1-mini': perMillion(1.1, 4.4),
  o3: perMillion(2, 8),
  'o3-mini': perMillion(1.1, 4.4),
  'o4-mini': perMillion(1.1, 4.4),
  'text-embedding-3-small': perMillion(0.02, 0),
  'text-embedding-3-large': perMillion(0.13, 0),
  'text-embedding-ada-002': perMillion(0.1, 0),
  // Anthropic
  'claude-opus-4-5': perMillion(5, 25),
  'claude-opus-4-1': perMillion(15, 75),
  'claude-opus-4': perMillion(15, 75),
  'claude-sonnet-4-5': perMillion(3, 15),
  'claude-sonnet-4': perMillion(3, 15),
  'claude-haiku-4-5': perMillion(1, 5),
  'claude-3-7-sonnet': perMillion(3, 15),
  'claude-3-5-sonnet': perMillion(3, 15),
  'claude-3-5-haiku': perMillion(0.8, 4),
  'claude-3-opus': perMillion(15, 75),
  'claude-3-haiku': perMillion(0.25, 1.25),
  // Google Gemini
  'gemini-2.5-pro': perMillion(1.25, 10),
  'gemini-2.5-flash': perMillion(0.3, 2.5),
  'gemini-2.5-flash-lite': perMillion(0.1, 0.4),
  'gemini-2.0-flash': perMillion(0.1, 0.4),
  'gemini-2.0-flash-lite': perMillion(0.075, 0.3),
  'gemini-1.5-pro': perMillion(1.25, 5),
  'gemini-1.5-flash': perMillion(0.075, 0.3),
  // Mistral
  'mistral-large': perMillion(2, 6),
  'mistral-medium': perMillion(0.4, 2),
  'mistral-small': perMillion(0.1, 0.3),
  codestral: perMillion(0.3, 0.9),
  'open-mistral-nemo': perMillion(0.15, 0.15),
  'ministral-8b': perMillion(0.1, 0.1),
};

/** Date and alias suffixes providers append to a model family: `-2024-08-06`, `-20241022`, `@20241022`, `-latest`. */
const VERSION_SUFFIX = /(?:[-@]\d{4}-?\d{2}-?\d{2}|-latest)$/;

/**
 * The list price of `model` (an upstream model name, with or without a `provider/` prefix),
 * or undefined when it is not a model we know. Dated snapshots and `-latest` aliases resolve
 * to their family: `gpt-4o-2024-08-06` → `gpt-4o`.
 */
export function modelPrice(model: string): ModelPrice | undefined {
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return PRICES[bare] ?? PRICES[bare.replace(VERSION_SUFFIX, '')];
}
