/**
 * The Node floor: the least a JavaScript gateway can do per request. It parses the JSON body,
 * forwards it with an undici keep-alive pool, re-serialises the JSON answer, and pipes streams
 * through untouched. Nothing else: no auth, no routing, no metrics, no logs. Switchyard's
 * overhead is measured against this, so its cost is what Switchyard adds on top of Node itself.
 *
 * Run as a child process: `node --import tsx bench/floor-proxy.ts <upstream-base-url>`; prints
 * one JSON line `{"url": "http://127.0.0.1:<port>"}` once listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { applyV8Guards } from '../src/server/v8-guards.ts';

const upstream = process.argv[2];
if (upstream === undefined) {
  console.error('usage: floor-proxy.ts <upstream base url, e.g. http://127.0.0.1:8080>');
  process.exit(2);
}
// The gateway's guards against two V8 behaviours that strike at random (see the module).
applyV8Guards();
const origin = new URL(upstream).origin;
const pool = new Pool(origin, { connections: 256, pipelining: 1 });

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(raw) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const answer = await pool.request({
    path: req.url ?? '/',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (body.stream === true) {
    res.writeHead(answer.statusCode, { 'content-type': 'text/event-stream' });
    for await (const chunk of answer.body) res.write(chunk as Uint8Array);
    res.end();
    return;
  }
  const json = JSON.stringify(await answer.body.json());
  res.writeHead(answer.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

const server = createServer((req, res) => {
  forward(req, res).catch((error: unknown) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end(String(error));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
// An orderly exit (rather than death by signal) lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));
