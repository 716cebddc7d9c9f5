import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeClock } from '../testing/fake-clock.ts';
import { PROVIDER_NAMES } from './model-name.ts';
import { createProviderRegistry } from './registry.ts';
import { createHttpTransport } from './transport/http-transport.ts';

function registry(t: { after: (fn: () => Promise<void>) => void }) {
  const transport = createHttpTransport();
  t.after(() => transport.close());
  return createProviderRegistry({ transport, clock: createFakeClock() });
}

void test('the registry serves every provider name this build lists', (t) => {
  const providers = registry(t);
  for (const name of PROVIDER_NAMES) assert.equal(providers.get(name)?.name, name, name);
});

void test('the registry hands out the same provider instance every time', (t) => {
  const providers = registry(t);
  assert.equal(providers.get('openai'), providers.get('openai'));
});

void test('the registry has nothing for an unknown name', (t) => {
  assert.equal(registry(t).get('replicate'), undefined);
});
