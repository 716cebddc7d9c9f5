/**
 * deploy/Dockerfile's stages replayed on this machine, without a Docker engine: the build stage
 * compiles the sources it copies, the image copies that build with the sources it came from,
 * its check refuses a build older than its sources, and its CMD starts a gateway from the
 * build that serves the default config and drains on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { distIsFresh } from '../bin/dist.js';
import { REPO_ROOT, useChildren } from './helpers/child-gateway.ts';
import { dockerInstructions, dockerStages, replayDockerfile } from './helpers/dockerfile.ts';

const DOCKERFILE = join(REPO_ROOT, 'deploy', 'Dockerfile');
const instructions = dockerInstructions(readFileSync(DOCKERFILE, 'utf8'));
const finalStage = dockerStages(instructions).at(-1)!;
const cmd = JSON.parse(
  instructions.findLast((item) => item.keyword === 'CMD')?.rest ?? '[]',
) as string[];
/** The final stage's RUN that refuses a build older than its sources. */
const freshnessCheck = finalStage.steps.find(
  (step) => step.keyword === 'RUN' && step.rest.includes('distIsFresh'),
)?.rest;

void describe('the Dockerfile, replayed stage by stage', () => {
  let image: ReturnType<typeof replayDockerfile>;
  before(() => {
    image = replayDockerfile(DOCKERFILE, REPO_ROOT);
  });
  after(() => image.cleanup());

  void test('the build stage compiles the sources it copies', () => {
    const build = image.folders.get('build');
    assert.ok(build, 'a stage named build');
    assert.ok(existsSync(join(build, 'dist', 'cli.js')));
    assert.ok(existsSync(join(build, 'dist', '.build-stamp')));
  });

  void test('the image holds that build, newer than its sources: bin/switchyard.js runs it', () => {
    assert.ok(existsSync(join(image.final, 'dist', 'cli.js')));
    assert.equal(distIsFresh({ honourEnv: false, packageRoot: image.final }), true);
  });

  void test('the image refuses to build when its sources are newer than the build', (t) => {
    assert.ok(freshnessCheck, 'a RUN in the final stage checks distIsFresh');
    const source = join(image.final, 'src', 'cli.ts');
    const later = Date.now() / 1000 + 3600;
    utimesSync(source, later, later);
    t.after(() => utimesSync(source, 0, 0));
    const result = spawnSync('sh', ['-c', freshnessCheck], { cwd: image.final, encoding: 'utf8' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /dist\/ is not newer than src\//);
  });

  void describe('its CMD', () => {
    const children = useChildren();

    void test('starts the gateway from the build, serves the default config, drains on SIGTERM', async () => {
      assert.deepEqual(cmd.slice(0, 2), ['node', 'bin/switchyard.js']);
      // The CMD as written, with the image's paths in this folder and a free port on loopback.
      const args = cmd.slice(1);
      const set = (flag: string, value: string): void => {
        const at = args.indexOf(flag);
        assert.notEqual(at, -1, `the CMD sets ${flag}`);
        args[at + 1] = value;
      };
      set('--config', join(image.final, 'config.yaml'));
      set('--port', '0');
      set('--host', '127.0.0.1');
      // As in the image: nothing forces the sources.
      const gateway = await children.start(args, image.final, {
        SWITCHYARD_FROM_SOURCE: undefined,
      });
      const ready = await fetch(`${gateway.url}/health/readiness`);
      assert.equal(ready.status, 200);
      await ready.arrayBuffer();
      const models = (await (await fetch(`${gateway.url}/v1/models`)).json()) as {
        data: unknown[];
      };
      assert.ok(models.data.length > 0, 'the default config serves models');
      gateway.child.kill('SIGTERM');
      assert.equal(await gateway.exited, 0);
    });
  });
});
