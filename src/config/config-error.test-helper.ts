import assert from 'node:assert/strict';
import { ConfigError } from './errors.ts';

/** Runs `fn` and returns the ConfigError it throws; fails the test when it throws none. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}
