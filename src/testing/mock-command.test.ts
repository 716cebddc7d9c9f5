import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { runMockUpstreamCommand } from './mock-command.ts';
import type { MockUpstream } from './mock-upstream.ts';

void describe('runMockUpstreamCommand', () => {
  let mock: MockUpstream | undefined;
  afterEach(() => mock?.close());

  void it('starts a mock upstream and logs its URL, api_base and the control API', async () => {
    const lines: string[] = [];
    mock = await runMockUpstreamCommand({ port: 0, name: 'demo-a' }, (line) => lines.push(line));
    const log = lines.join('\n');
    assert.match(log, new RegExp(`"demo-a" listening on ${mock.url}`));
    assert.ok(log.includes(`api_base: ${mock.baseUrl}`));
    for (const endpoint of ['fault', 'reset', 'reply', 'latency', 'down', 'hits', 'requests']) {
      assert.ok(log.includes(`/__control/${endpoint}`), `mentions /__control/${endpoint}`);
    }
    const response = await fetch(`${mock.baseUrl}/models`);
    assert.equal(response.status, 200);
    await response.text();
  });
});
