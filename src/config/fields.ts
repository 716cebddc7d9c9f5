/**
 * Field builders for the config schema. Each carries the one sentence a user sees when the
 * value is wrong ("expected a positive number (seconds)"), and each accepts the value both as
 * YAML typed it and as a string: `os.environ/` references always resolve to strings, and
 * LiteLLM users quote numbers freely.
 */
import { z } from 'zod';

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** `"30"` → 30; anything else unchanged, so the error shows what the user wrote. */
function toNumber(value: unknown): unknown {
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return value;
}

/**
 * `"true"` / `"false"` (any case) → booleans; also `yes`/`no`/`on`/`off`/`1`/`0`, which
 * PyYAML (and so LiteLLM) reads as booleans but YAML 1.2 keeps as strings.
 */
function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** Numbers → strings (`api_version: 2024`, a numeric password); anything else unchanged. */
function toText(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
}

function number(message: string, refine: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  return z.preprocess(toNumber, refine(z.number({ error: message })));
}

function integer(message: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    toNumber,
    z.int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );
}

/** A duration in seconds, > 0. */
export const seconds = () =>
  number('expected a positive number (seconds)', (n) =>
    n.positive({ error: 'expected a positive number (seconds)' }),
  );

/** A duration in seconds, ≥ 0. */
export const secondsOrZero = () =>
  number('expected a number ≥ 0 (seconds)', (n) =>
    n.min(0, { error: 'expected a number ≥ 0 (seconds)' }),
  );

/** A number > 0. */
export const positiveNumber = () =>
  number('expected a positive number', (n) => n.positive({ error: 'expected a positive number' }));

/** A number ≥ 0. */
export const numberOrZero = () =>
  number('expected a number ≥ 0', (n) => n.min(0, { error: 'expected a number ≥ 0' }));

/** A number from 0 to 1 inclusive. */
export const fraction = () =>
  number('expected a number from 0 to 1', (n) =>
    n
      .min(0, { error: 'expected a number from 0 to 1' })
      .max(1, { error: 'expected a number from 0 to 1' }),
  );

/** An integer ≥ 0. */
export const count = () => integer('expected an integer ≥ 0', 0);

/** An integer ≥ 1. */
export const positiveInt = () => integer('expected a positive integer', 1);

/** An integer in [min, max], described by `what` ("an HTTP status", "a port number"). */
export const intInRange = (min: number, max: number, what: string) =>
  integer(`expected ${what} (${min}-${max})`, min, max);

/** A boolean; see toBoolean for the strings accepted. */
export const bool = () => z.preprocess(toBoolean, z.boolean({ error: 'expected true or false' }));

/** A string (numbers are accepted and turned into strings). */
export const text = () => z.preprocess(toText, z.string({ error: 'expected a string' }));

/** A non-empty string (numbers are accepted and turned into strings). */
export const name = () =>
  z.preprocess(
    toText,
    z
      .string({ error: 'expected a non-empty string' })
      .min(1, { error: 'expected a non-empty string' }),
  );

/** One of `values`, listed in the message. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of: ${values.join(', ')}` });

/** A list of `item`. */
export const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'expected a list' });

/**
 * A mapping whose keys we know: unknown keys are reported (and then ignored with a warning by
 * the loader, which strips them and validates again).
 */
export const mapping = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, { error: 'expected a mapping (key: value pairs)' });

/** A free-form mapping, with keys and values of every kind. */
export const freeMapping = () =>
  z.record(z.string(), z.unknown(), { error: 'expected a mapping (key: value pairs)' });

/** A mapping of strings (`extra_headers`). */
export const stringMapping = () =>
  z.record(z.string(), text(), { error: 'expected a mapping of strings' });
