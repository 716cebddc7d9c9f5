/**
 * The fixed upstream every target is measured against, in its own process so its CPU and
 * memory are never charged to the gateway or the load generator. Run as a child process:
 * `node --import tsx bench/mock-child.ts`; prints `{"url": "http://127.0.0.1:<port>"}` once
 * listening. Driven through the mock's control API (`/__control/…`).
 */
import { startMockUpstream } from '../src/testing/mock-upstream.ts';

const upstream = await startMockUpstream({ name: 'bench', reply: 'The quick brown fox jumps.' });
console.log(JSON.stringify({ url: upstream.url }));
process.on('SIGTERM', () => {
  void upstream.close().then(() => process.exit(0));
});
