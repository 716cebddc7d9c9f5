import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

/** Options of `switchyard mock`; each defaults as in {@link startMockUpstream}. */
export interface MockCommandOptions {
  port?: number;
  host?: string;
  reply?: string;
  name?: string;
}

const CONTROL_SUMMARY = [
  'control API (control calls are never counted):',
  '  POST /__control/fault     {"status":500} {"kind":"rate_limit","times":2} {"latencyMs":200}',
  '                            {"hang":true} {"streamCutAfter":2} {"paths":["/v1/embeddings"],…}',
  '  POST /__control/reset     clear faults, counters and captured requests',
  '  POST /__control/reply     {"reply":"text"}',
  '  POST /__control/latency   {"ms":50}',
  '  POST /__control/down      {"ms":5000}  refuse connections, then come back',
  '  GET  /__control/hits      request counters',
  '  GET  /__control/requests  the last 100 requests',
];

/**
 * `switchyard mock`: starts one mock upstream, logs where it listens and how to drive it, and
 * returns it (the CLI keeps the process alive and closes it on a signal).
 */
export async function runMockUpstreamCommand(
  options: MockCommandOptions,
  log: (line: string) => void,
): Promise<MockUpstream> {
  const upstream = await startMockUpstream(options);
  log(`mock upstream "${upstream.name}" listening on ${upstream.url}`);
  log(`  api_base: ${upstream.baseUrl}`);
  for (const line of CONTROL_SUMMARY) log(line);
  return upstream;
}
