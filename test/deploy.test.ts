/**
 * The deployment kit (deploy/) as a user applies it: every manifest parses, the probes the
 * manifests and the Dockerfile name answer 200 on a real gateway running the ConfigMap's
 * config, the port is 4000 everywhere, and the autoscaler and disruption budget aim at the
 * gateway's pods. (The Dockerfile's stages and CMD are replayed in docker-image.test.ts.)
 * No Docker engine or cluster is needed: everything is checked statically or in-process.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { compileConfig, ConfigError, parseConfig, type Env } from '../src/config/index.ts';
import { startGateway } from '../src/server/start-gateway.ts';
import { REPO_ROOT } from './helpers/child-gateway.ts';
import { copyParts, dockerInstructions, dockerStages } from './helpers/dockerfile.ts';

const DEPLOY = join(REPO_ROOT, 'deploy');
const PORT = 4000;

// ---------------------------------------------------------------------------------------------
// Reading the kit

interface Labels {
  readonly [name: string]: string;
}
interface HttpGet {
  readonly path: string;
  readonly port: number | string;
}
interface Probe {
  readonly httpGet?: HttpGet;
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { preStop?: { exec?: { command: string[] } } };
  readonly resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { memory?: string };
  };
  readonly securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
  };
  readonly volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; labels?: Labels };
  readonly spec?: {
    replicas?: number;
    selector?: { matchLabels?: Labels } & Labels;
    template?: {
      metadata: { labels: Labels };
      spec: {
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
        volumes?: { name: string; configMap?: { name: string } }[];
      };
    };
    ports?: { port: number; targetPort: number | string }[];
    scaleTargetRef?: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: {
      type: string;
      resource?: { name: string; target: { type: string; averageUtilization?: number } };
    }[];
    minAvailable?: number | string;
    maxUnavailable?: number | string;
  };
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
  readonly resources?: string[];
}
interface ComposeService {
  readonly image?: string;
  readonly build?: { context: string; dockerfile: string };
  readonly command?: string[];
  readonly environment?: Record<string, string>;
  readonly volumes?: string[];
  readonly ports?: string[];
  readonly healthcheck?: { test: string[] };
  readonly stop_grace_period?: string;
}
interface Compose {
  readonly services: Record<string, ComposeService>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Every document of every YAML file under deploy/, as plain data (merge keys resolved). */
function loadYaml(): Map<string, unknown[]> {
  const files = new Map<string, unknown[]>();
  for (const path of yamlFiles(DEPLOY)) {
    const documents = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
    const name = relative(DEPLOY, path);
    for (const document of documents) {
      assert.deepEqual(
        document.errors.map((error) => error.message),
        [],
        `${name} does not parse`,
      );
    }
    files.set(
      name,
      documents.map((document) => document.toJS() as unknown),
    );
  }
  return files;
}

const yamlByFile = loadYaml();
const manifests: Manifest[] = [...yamlByFile.entries()]
  .filter(([name]) => name.startsWith('kubernetes/'))
  .flatMap(([, documents]) => documents as Manifest[])
  .filter((manifest) => manifest !== null && typeof manifest === 'object');
/** kustomization.yaml is a file of kustomize's, not an object of the cluster's: no metadata. */
const kustomization = manifests.find((item) => item.kind === 'Kustomization');
const objects = manifests.filter((item) => item !== kustomization);

function manifest(kind: string, name: string): Manifest {
  const found = objects.find((item) => item.kind === kind && item.metadata.name === name);
  assert.ok(found, `no ${kind} named ${name} in deploy/kubernetes/`);
  return found;
}

const deployment = manifest('Deployment', 'switchyard');
const podSpec = deployment.spec!.template!.spec;
const podLabels = deployment.spec!.template!.metadata.labels;
const gatewayContainer = podSpec.containers.find((container) => container.name === 'switchyard')!;
const configText = manifest('ConfigMap', 'switchyard-config').data!['config.yaml']!;
const compose = yamlByFile.get('docker-compose.yml')![0] as Compose;
const gatewayServices = Object.entries(compose.services).filter(([name]) =>
  name.startsWith('switchyard-'),
);

const dockerfile = dockerInstructions(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
function instruction(keyword: string): string[] {
  return dockerfile.filter((item) => item.keyword === keyword).map((item) => item.rest);
}
const dockerCmd = JSON.parse(instruction('CMD').at(-1) ?? '[]') as string[];
const healthcheck = instruction('HEALTHCHECK').at(-1) ?? '';
const healthcheckCommand = JSON.parse(
  healthcheck.slice(healthcheck.indexOf('CMD') + 3),
) as string[];

/** The value after `flag` in an argv. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index === -1 ? undefined : argv[index + 1];
}

/** URLs named in a command (health checks written as `node -e "fetch('…')"`). */
function urlsIn(argv: readonly string[]): URL[] {
  return argv.flatMap((arg) =>
    [...arg.matchAll(/https?:\/\/[^'"\s)]+/g)].map((m) => new URL(m[0])),
  );
}

/** Each `os.environ/NAME` in a config, set to a placeholder. */
function placeholderEnv(text: string): Env {
  const names = [...text.matchAll(/os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  return Object.fromEntries(names.map((name) => [name, `placeholder-${name}`]));
}

function compile(text: string) {
  const env = placeholderEnv(text);
  try {
    return compileConfig(parseConfig(text, { env }), { env });
  } catch (error) {
    if (error instanceof ConfigError) assert.fail(error.issues.join('\n'));
    throw error;
  }
}

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Every HTTP path a probe, a health check or a load balancer sends to the gateway. */
function probePaths(): string[] {
  const paths = new Set<string>();
  for (const container of podSpec.containers) {
    for (const probe of [
      container.livenessProbe,
      container.readinessProbe,
      container.startupProbe,
    ]) {
      if (probe?.httpGet) paths.add(probe.httpGet.path);
    }
  }
  for (const url of urlsIn(healthcheckCommand)) paths.add(url.pathname);
  for (const [, service] of gatewayServices) {
    for (const url of urlsIn(service.healthcheck?.test ?? [])) paths.add(url.pathname);
  }
  return [...paths];
}

// ---------------------------------------------------------------------------------------------

describe('deploy/ manifests', () => {
  test('every YAML file parses, Kubernetes documents all have a kind and a name', () => {
    assert.ok(yamlByFile.size >= 8, `found only ${[...yamlByFile.keys()].join(', ')}`);
    assert.ok(kustomization, 'no kustomization.yaml');
    for (const item of objects) {
      assert.equal(typeof item.kind, 'string');
      assert.equal(typeof item.metadata.name, 'string', `${item.kind} without a name`);
    }
    for (const kind of [
      'Deployment',
      'Service',
      'ConfigMap',
      'Secret',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]) {
      assert.ok(
        objects.some((item) => item.kind === kind),
        `no ${kind} under deploy/kubernetes/`,
      );
    }
  });

  test('kustomization lists every manifest except the Secret template', () => {
    const listed = kustomization?.resources ?? [];
    for (const file of listed) {
      assert.ok(existsSync(join(DEPLOY, 'kubernetes', file)), `${file} is listed but missing`);
    }
    const expected = [...yamlByFile.keys()]
      .filter((name) => name.startsWith('kubernetes/'))
      .map((name) => name.slice('kubernetes/'.length))
      .filter((name) => name !== 'kustomization.yaml' && name !== 'secret.example.yaml')
      .sort();
    assert.deepEqual([...listed].sort(), expected);
    assert.ok(!listed.includes('secret.example.yaml'), 'applying it would overwrite real keys');
  });

  test('the Secret template holds placeholders only, clearly marked', () => {
    const secret = manifest('Secret', 'switchyard-secrets');
    for (const [key, value] of Object.entries(secret.stringData ?? {})) {
      assert.match(value, /REPLACE_ME/, `${key} does not look like a placeholder`);
    }
    assert.match(
      readFileSync(join(DEPLOY, 'kubernetes', 'secret.example.yaml'), 'utf8'),
      /TEMPLATE/,
    );
  });

  test('the Deployment probes liveliness and readiness on port 4000 with the documented timings', () => {
    assert.equal(deployment.spec!.replicas, 3);
    const { livenessProbe, readinessProbe } = gatewayContainer;
    assert.deepEqual(livenessProbe?.httpGet, { path: '/health/liveliness', port: PORT });
    assert.equal(livenessProbe?.initialDelaySeconds, 10);
    assert.equal(livenessProbe?.periodSeconds, 10);
    assert.deepEqual(readinessProbe?.httpGet, { path: '/health/readiness', port: PORT });
    assert.equal(readinessProbe?.initialDelaySeconds, 5);
    assert.equal(readinessProbe?.periodSeconds, 5);
  });

  test('the grace period outlasts the preStop sleep plus drain_timeout', () => {
    const drainSeconds = compile(configText).general.drainTimeoutMs / 1000;
    const preStop = gatewayContainer.lifecycle?.preStop?.exec?.command ?? [];
    const sleepSeconds = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
    const grace = podSpec.terminationGracePeriodSeconds ?? 30;
    assert.ok(
      grace > sleepSeconds + drainSeconds,
      `terminationGracePeriodSeconds ${grace} ≤ preStop ${sleepSeconds} s + drain_timeout ${drainSeconds} s`,
    );
  });

  test('the container runs non-root on a read-only root filesystem, with resources set', () => {
    const context = gatewayContainer.securityContext ?? {};
    assert.equal(context.readOnlyRootFilesystem, true);
    assert.equal(context.allowPrivilegeEscalation, false);
    assert.ok(context.runAsNonRoot === true || podSpec.securityContext?.runAsNonRoot === true);
    assert.notEqual(context.runAsUser ?? podSpec.securityContext?.runAsUser, 0);
    const { requests, limits } = gatewayContainer.resources ?? {};
    // The HPA's utilization targets are shares of the requests.
    assert.ok(requests?.cpu && requests.memory && limits?.memory, 'requests and a memory limit');
    assert.ok(
      gatewayContainer.volumeMounts?.some((mount) => mount.mountPath === '/tmp'),
      'tsx needs a writable /tmp',
    );
  });

  test('the config comes from the ConfigMap at the path the image CMD reads', () => {
    assert.equal(gatewayContainer.command, undefined, 'the image CMD runs unchanged');
    assert.equal(gatewayContainer.args, undefined);
    const configPath = flagValue(dockerCmd, '--config');
    assert.equal(configPath, '/app/config.yaml');
    const mount = gatewayContainer.volumeMounts?.find((item) => item.mountPath === configPath);
    assert.ok(mount, `nothing mounted at ${configPath}`);
    assert.equal(mount.subPath, 'config.yaml');
    const volume = podSpec.volumes?.find((item) => item.name === mount.name);
    assert.equal(volume?.configMap?.name, 'switchyard-config');
  });

  test('every os.environ/ variable of the config comes from the Secret', () => {
    const secret = manifest('Secret', 'switchyard-secrets');
    const needed = Object.keys(placeholderEnv(configText)).sort();
    assert.deepEqual(needed, ['AZURE_API_KEY', 'LITELLM_MASTER_KEY', 'OPENAI_API_KEY']);
    for (const name of needed) {
      const entry = gatewayContainer.env?.find((item) => item.name === name);
      assert.deepEqual(entry?.valueFrom?.secretKeyRef, { name: 'switchyard-secrets', key: name });
      assert.ok(name in (secret.stringData ?? {}), `the Secret template lacks ${name}`);
    }
  });

  test("the ConfigMap's config.yaml compiles with no error and no warning", () => {
    const plan = compile(configText);
    assert.deepEqual(plan.warnings, []);
    assert.ok(plan.groups.size >= 2, 'two groups');
    // redis_host names the Redis Service.
    const redisHost = /redis_host:\s*(\S+)/.exec(configText)?.[1];
    assert.ok(redisHost);
    const redisService = manifest('Service', redisHost);
    assert.equal(redisService.spec!.ports![0]!.port, 6379);
  });

  test("the compose stack's config.yaml compiles with no error and no warning", () => {
    const text = readFileSync(join(DEPLOY, 'config.compose.yaml'), 'utf8');
    assert.deepEqual(compile(text).warnings, []);
    for (const [, service] of gatewayServices) {
      assert.ok(service.volumes?.includes('./config.compose.yaml:/app/config.yaml:ro'));
      for (const name of Object.keys(placeholderEnv(text))) {
        assert.ok(service.environment?.[name], `compose does not pass ${name}`);
      }
    }
  });

  test("the HPA and the PDB aim at the Deployment's pods; the Services select only their own", () => {
    const hpa = manifest('HorizontalPodAutoscaler', 'switchyard');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec!.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    assert.equal(hpa.spec!.minReplicas, 3);
    assert.equal(hpa.spec!.maxReplicas, 20);
    const utilization = Object.fromEntries(
      (hpa.spec!.metrics ?? []).map((metric) => [
        metric.resource?.name,
        metric.resource?.target.averageUtilization,
      ]),
    );
    assert.deepEqual(utilization, { cpu: 70, memory: 80 });

    const selector = deployment.spec!.selector!.matchLabels!;
    assert.ok(selects(selector, podLabels), 'the Deployment selects its own template');
    const pdb = manifest('PodDisruptionBudget', 'switchyard');
    assert.deepEqual(pdb.spec!.selector!.matchLabels, selector);
    assert.ok(pdb.spec!.maxUnavailable === 1 || pdb.spec!.minAvailable === 2);

    const redisPods = manifest('Deployment', 'switchyard-redis').spec!.template!.metadata.labels;
    const gatewayService = manifest('Service', 'switchyard');
    assert.ok(selects(gatewayService.spec!.selector!, podLabels));
    assert.ok(!selects(gatewayService.spec!.selector!, redisPods), 'gateway Service selects Redis');
    assert.ok(!selects(manifest('Service', 'switchyard-redis').spec!.selector!, podLabels));
  });

  test('the port is 4000 everywhere: image, Deployment, Service, compose, nginx', () => {
    assert.ok(instruction('EXPOSE').includes(String(PORT)), 'EXPOSE 4000');
    assert.equal(flagValue(dockerCmd, '--port'), String(PORT));
    assert.equal(flagValue(dockerCmd, '--host'), '0.0.0.0');
    for (const url of urlsIn(healthcheckCommand)) assert.equal(url.port, String(PORT));

    assert.deepEqual(
      gatewayContainer.ports?.map((port) => port.containerPort),
      [PORT],
    );
    const service = manifest('Service', 'switchyard');
    assert.deepEqual(
      service.spec!.ports!.map((port) => [port.port, port.targetPort]),
      [[PORT, PORT]],
    );

    assert.equal(gatewayServices.length, 2, 'two gateway instances');
    for (const [name, service] of gatewayServices) {
      assert.deepEqual(service.command, dockerCmd, `${name} runs the image's CMD`);
      assert.ok(service.build?.dockerfile === 'deploy/Dockerfile');
      for (const url of urlsIn(service.healthcheck?.test ?? [])) assert.equal(url.port, '4000');
      const grace = Number.parseInt(service.stop_grace_period ?? '10', 10);
      assert.ok(grace > 30, `${name}: stop_grace_period must outlast drain_timeout`);
    }
    assert.deepEqual(compose.services.nginx?.ports, [`${PORT}:${PORT}`]);

    const nginx = readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8');
    assert.match(nginx, /listen 4000;/);
    const servers = [...nginx.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)];
    assert.deepEqual(
      servers.map((m) => `${m[1]}:${m[2]}`).sort(),
      gatewayServices.map(([name]) => `${name}:4000`).sort(),
    );
    assert.match(nginx, /proxy_buffering off;/, 'SSE must not be buffered');
    assert.match(nginx, /max_fails=\d+ fail_timeout=/);
  });

  test('the Dockerfile: slim base, production dependencies, non-root, HEALTHCHECK, EXPOSE 4000', () => {
    for (const stage of dockerStages(dockerfile)) {
      assert.match(stage.base, /^node:20-(slim|alpine)$/);
    }
    assert.ok(instruction('RUN').some((run) => run.includes('npm ci --omit=dev')));
    const user = instruction('USER').at(-1);
    assert.ok(user && !/^(root|0)(:|$)/.test(user), `runs as ${user ?? 'root'}`);
    assert.ok(healthcheck.includes('/health/liveliness'));
    assert.deepEqual(instruction('STOPSIGNAL'), ['SIGTERM']);
    assert.deepEqual(dockerCmd.slice(0, 2), ['node', 'bin/switchyard.js']);

    // What it copies from the build context exists, and the ignore file lets it through.
    // (Copies from an earlier stage are checked by replaying the stages: docker-image.test.ts.)
    const ignore = readFileSync(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8');
    for (const copy of instruction('COPY')) {
      const { from, sources } = copyParts(copy);
      if (from !== undefined) continue;
      for (const source of sources) {
        assert.ok(existsSync(join(REPO_ROOT, source)), `COPY ${source}: not in the repository`);
        const top = source.split('/')[0]!;
        assert.ok(
          ignore.includes(`!${top}`),
          `COPY ${source}: excluded by deploy/Dockerfile.dockerignore`,
        );
      }
    }
  });
});

describe('the probes on a running gateway', () => {
  test('every probe path answers 200 on a gateway running the ConfigMap config', async () => {
    const paths = probePaths();
    assert.ok(paths.includes('/health/liveliness') && paths.includes('/health/readiness'));
    // Its upstreams are never called: probes do not touch them.
    const gateway = await startGateway({ plan: compile(configText), port: 0, host: '127.0.0.1' });
    try {
      for (const path of paths) {
        const response = await fetch(new URL(path, gateway.url));
        assert.equal(response.status, 200, `${path} → ${response.status}`);
        await response.arrayBuffer();
      }
    } finally {
      await gateway.drain();
    }
  });
});
