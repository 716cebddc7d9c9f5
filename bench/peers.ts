/**
 * Peer gateways, measured when installed under `bench/peers/` (gitignored; see
 * docs/performance.md). None is required: a run without peers compares Switchyard with the
 * Node floor only. Each peer is put in front of the same mock as every other target.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BenchTarget } from './bench-target.ts';
import { startChild, type ChildService } from './child-service.ts';

/** What a peer gets to start with. */
export interface PeerContext {
  readonly mockUrl: string;
  /** A private temp directory for config files. */
  readonly dir: string;
  /** Switchyard's bench config: LiteLLM reads the same file. */
  readonly config: string;
}

/** A peer found on disk. */
export interface Peer {
  readonly name: string;
  start(context: PeerContext): Promise<{ service: ChildService; target: BenchTarget }>;
}

/** A free loopback port, for peers that cannot listen on port 0 and report it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Portkey's gateway from npm: `bench/peers/node_modules/@portkey-ai/gateway`. */
function portkey(peersDir: string): Peer | undefined {
  const packageDir = join(peersDir, 'node_modules', '@portkey-ai', 'gateway');
  const manifest = join(packageDir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: unknown }).bin;
  const entry = typeof bin === 'string' ? bin : Object.values(bin as Record<string, string>)[0];
  if (entry === undefined) return undefined;
  return {
    name: 'portkey',
    async start({ mockUrl }) {
      const port = await freePort();
      const service = await startChild({
        name: 'portkey',
        command: process.execPath,
        args: [join(packageDir, entry), `--port=${port}`],
        cwd: peersDir,
        readUrl: () => undefined,
        pollUrl: `http://127.0.0.1:${port}/`,
      });
      const target: BenchTarget = {
        name: 'portkey',
        kind: 'peer',
        url: service.url,
        path: '/v1/chat/completions',
        headers: {
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `${mockUrl}/v1`,
          authorization: 'Bearer sk-bench-upstream',
        },
        model: 'gpt-4o-mini',
        pid: service.pid,
      };
      return { service, target };
    },
  };
}

/** LiteLLM's proxy in a Python virtualenv: `bench/peers/litellm/bin/litellm`, same config. */
function litellm(peersDir: string): Peer | undefined {
  const bin = join(peersDir, 'litellm', 'bin', 'litellm');
  if (!existsSync(bin)) return undefined;
  return {
    name: 'litellm',
    async start({ dir, config }) {
      const port = await freePort();
      const file = join(dir, 'litellm-config.yaml');
      writeFileSync(file, config);
      const service = await startChild({
        name: 'litellm',
        command: bin,
        args: ['--config', file, '--port', String(port), '--host', '127.0.0.1'],
        cwd: peersDir,
        readUrl: () => undefined,
        pollUrl: `http://127.0.0.1:${port}/health/liveliness`,
      });
      const target: BenchTarget = {
        name: 'litellm',
        kind: 'peer',
        url: service.url,
        path: '/v1/chat/completions',
        headers: { authorization: 'Bearer sk-bench-master' },
        model: 'bench',
        pid: service.pid,
      };
      return { service, target };
    },
  };
}

/** The peers installed under `<repo>/bench/peers/`. */
export function detectPeers(repoRoot: string): Peer[] {
  const peersDir = join(repoRoot, 'bench', 'peers');
  if (!existsSync(peersDir)) return [];
  return [portkey(peersDir), litellm(peersDir)].filter((peer): peer is Peer => peer !== undefined);
}
