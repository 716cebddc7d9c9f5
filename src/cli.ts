import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, describePlan, loadPlan } from './config/index.ts';
import {
  DEFAULT_COOLDOWN_S,
  DEFAULT_INTERVAL_MS,
  DEFAULT_OUTAGE_MS,
  demoUsageProblem,
  runDemoCommand,
  type DemoFlags,
} from './demo/command.ts';
import {
  createLogger,
  isLogLevel,
  levelFromLitellm,
  LITELLM_LOG_LEVELS,
  LOG_LEVELS,
} from './observability/logger.ts';
import { createStrategy } from './routing/create-strategy.ts';
import { startGateway } from './server/start-gateway.ts';

/** Exit code for a config the gateway refuses to start with. */
const EXIT_CONFIG = 2;

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}"`);
  }
  return parsed;
}

function positive(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  }
  return parsed;
}

async function demo(options: DemoFlags): Promise<void> {
  const problem = demoUsageProblem(options);
  if (problem !== undefined) {
    console.error(`switchyard demo: ${problem}`);
    process.exit(EXIT_CONFIG);
  }
  const controller = new AbortController();
  // Once: a second Ctrl-C (say, a cleanup that hangs) ends the process the default way.
  process.once('SIGINT', () => controller.abort());
  const tty = process.stdout.isTTY === true;
  const io = {
    write: (chunk: string) => void process.stdout.write(chunk),
    tty,
    columns: process.stdout.columns,
    colour: tty && !process.env.NO_COLOR,
    signal: controller.signal,
  };
  const code = await runDemoCommand(options, io, process.env);
  process.stdout.write('', () => process.exit(code));
}

function reportConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(
      `switchyard: invalid config\n${error.issues.map((line) => `  - ${line}`).join('\n')}`,
    );
    process.exit(EXIT_CONFIG);
  }
  throw error;
}

/** A bad environment value stops start-up with the variable's name, like a bad config key. */
function fromEnv<T>(name: string, parse: (value: string) => T, fallback: T): T {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  try {
    return parse(value);
  } catch (error) {
    console.error(
      `switchyard: invalid ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(EXIT_CONFIG);
  }
}

function logLevel(value: string): string {
  if (!isLogLevel(value))
    throw new Error(`expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return value;
}

/** LiteLLM's `LITELLM_LOG` (DEBUG, INFO, WARNING, ERROR, CRITICAL), as a pino level. */
function litellmLogLevel(value: string): string {
  const level = levelFromLitellm(value);
  if (level === undefined)
    throw new Error(`expected one of ${LITELLM_LOG_LEVELS.join(', ')}, got "${value}"`);
  return level;
}

async function serve(options: { config: string; port?: number; host: string }): Promise<void> {
  const listenPort = options.port ?? fromEnv('PORT', port, 4000);
  // Both are validated, so a typo in either stops start-up; LOG_LEVEL wins when both are set.
  const litellmLevel = fromEnv('LITELLM_LOG', litellmLogLevel, 'info');
  const logger = createLogger({ level: fromEnv('LOG_LEVEL', logLevel, litellmLevel) });
  let loaded;
  try {
    loaded = loadPlan(options.config, { env: process.env });
  } catch (error) {
    reportConfigError(error);
  }
  for (const warning of loaded.warnings) logger.warn(warning);
  const gateway = await startGateway({
    plan: loaded.plan,
    port: listenPort,
    host: options.host,
    logger,
  });
  logger.info(
    { url: gateway.url, config: options.config, groups: gateway.router.modelGroups() },
    'switchyard listening',
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: readiness is 503, finishing in-flight requests');
    gateway.drain().then(
      () => {
        logger.info('drained; exiting');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function check(options: { config: string }): void {
  try {
    const { plan, warnings } = loadPlan(options.config, { env: process.env });
    const { warning: strategyWarning } = createStrategy(plan.settings.routingStrategy);
    for (const warning of strategyWarning ? [...warnings, strategyWarning] : warnings) {
      console.warn(`warning: ${warning}`);
    }
    console.log(describePlan(plan));
    console.log('config OK');
  } catch (error) {
    reportConfigError(error);
  }
}

const program = new Command()
  .name('switchyard')
  .description('A reliability gateway for LLM APIs (OpenAI-compatible, LiteLLM config).')
  .enablePositionalOptions();

program
  .command('serve', { isDefault: true })
  .description('run the gateway (the default command)')
  .option(
    '-c, --config <file>',
    'LiteLLM-style config.yaml',
    process.env.SWITCHYARD_CONFIG ?? 'config.yaml',
  )
  .option('-p, --port <port>', 'port to listen on (default: $PORT, else 4000)', port)
  .option('--host <host>', 'address to bind', '0.0.0.0')
  .action(serve);

program
  .command('check')
  .description('validate a config and print its groups, deployments and fallback chains')
  .requiredOption('-c, --config <file>', 'LiteLLM-style config.yaml')
  .action(check);

program
  .command('mock')
  .description('run a mock OpenAI-compatible upstream with a fault-injection control API')
  .option('-p, --port <port>', 'port to listen on', port, 8080)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--reply <text>', 'the answer it gives')
  .option('--name <name>', 'its name, used in the default reply', 'mock')
  .action(async (options: { port: number; host: string; reply?: string; name: string }) => {
    // Loaded on demand: `switchyard serve` never needs the mock upstream.
    const { runMockUpstreamCommand } = await import('./testing/mock-command.ts');
    await runMockUpstreamCommand(options, (line) => console.log(line));
  });

program
  .command('demo')
  .description(
    'watch failover live: mock primary and fallback upstreams, a gateway, and a client (no keys)',
  )
  .option('--interval <ms>', 'time between requests', positive, DEFAULT_INTERVAL_MS)
  .option('--outage <ms>', 'how long the primary stays down', positive, DEFAULT_OUTAGE_MS)
  .option('--cooldown <s>', "the gateway's cooldown_time", positive, DEFAULT_COOLDOWN_S)
  .option(
    '--duration <s>',
    'stop after this long (default: the script, or Ctrl-C with --target)',
    positive,
  )
  .option('--target <url>', 'watch a running gateway instead; you take its primary down yourself')
  .option('--model <name>', 'with --target: the primary model group to request')
  .option('--api-key <key>', 'with --target: the gateway key (default: $LITELLM_MASTER_KEY)')
  .action(demo);

await program.parseAsync(process.argv);
