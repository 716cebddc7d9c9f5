import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, levelFromLitellm } from './logger.ts';

test("LITELLM_LOG's Python level names map to pino levels, in any case", () => {
  assert.equal(levelFromLitellm('DEBUG'), 'debug');
  assert.equal(levelFromLitellm('info'), 'info');
  assert.equal(levelFromLitellm('WARNING'), 'warn');
  assert.equal(levelFromLitellm('ERROR'), 'error');
  assert.equal(levelFromLitellm('CRITICAL'), 'fatal');
});

test('LITELLM_LOG accepts pino level names and rejects anything else', () => {
  assert.equal(levelFromLitellm('trace'), 'trace');
  assert.equal(levelFromLitellm('LOUD'), undefined);
});

test('secrets passed to the logger by key are censored', () => {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line) => void lines.push(line) } });
  logger.info({ apiKey: 'sk-a', deployment: { api_key: 'sk-b' }, redis: { password: 'pw-c' } });
  const text = lines.join('');
  for (const secret of ['sk-a', 'sk-b', 'pw-c']) assert.ok(!text.includes(secret), text);
});
