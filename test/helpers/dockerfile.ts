/**
 * deploy/Dockerfile read and replayed without a Docker engine: its instructions parsed into
 * stages, and each stage's COPY and RUN steps carried out in a folder of its own (standing for
 * the stage's /app), so a test can check that the build stage builds and the image starts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

/** One instruction, continuation lines joined: `COPY`, and what follows it. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly rest: string;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
export function dockerInstructions(text: string): DockerInstruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), rest: rest.join(' ') };
    });
}

/** One `FROM` and the instructions up to the next. */
export interface DockerStage {
  /** The image it starts from, e.g. `node:20-slim`. */
  readonly base: string;
  /** Its `AS` name, if any. */
  readonly name: string | undefined;
  readonly steps: readonly DockerInstruction[];
}

export function dockerStages(instructions: readonly DockerInstruction[]): DockerStage[] {
  const stages: { base: string; name: string | undefined; steps: DockerInstruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.rest.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, steps: [] });
    } else {
      assert.ok(stages.length > 0, `${instruction.keyword} before any FROM`);
      stages.at(-1)!.steps.push(instruction);
    }
  }
  return stages;
}

/** A COPY's flags, sources and destination. */
export function copyParts(rest: string): {
  from: string | undefined;
  sources: string[];
  dest: string;
} {
  const words = rest.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const dest = words.pop() ?? '';
  return { from, sources: words, dest };
}

/** The patterns of a .dockerignore that exclude (not the `!` exceptions) as path tests. */
function ignoredBy(ignoreFile: string): (path: string) => boolean {
  const patterns = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) => line !== '' && !line.startsWith('#') && !line.startsWith('!') && line !== '**',
    )
    .map((pattern) => {
      const dirOnly = pattern.endsWith('/');
      const body = pattern
        .replace(/\/$/, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .split('**/')
        .map((piece) => piece.replace(/\*/g, '[^/]*'))
        .join('(?:.*/)?');
      return new RegExp(`^${body}${dirOnly ? '(?:/.*)?' : ''}$`);
    });
  return (path) => patterns.some((pattern) => pattern.test(path));
}

/**
 * Carries out every stage of the Dockerfile at `dockerfile` against the build context
 * `context`, each in a fresh folder under the system's temp folder, and returns those folders
 * by stage (named ones by name, the last as `final`). COPY keeps file times, as Docker does;
 * `npm ci` and `npm cache` stand for installing the dependencies, which here links the
 * context's node_modules; every other part of a RUN (split at `&&`) runs in a shell and must
 * succeed.
 */
export function replayDockerfile(
  dockerfile: string,
  context: string,
): { readonly folders: Map<string, string>; readonly final: string; cleanup(): void } {
  const stages = dockerStages(dockerInstructions(readFileSync(dockerfile, 'utf8')));
  const ignored = ignoredBy(`${dockerfile}.dockerignore`);
  const folders = new Map<string, string>();
  const made: string[] = [];
  const cleanup = (): void => {
    // The linked node_modules goes as a link; what it points to stays.
    for (const folder of made) rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const [index, stage] of stages.entries()) {
      const app = mkdtempSync(join(tmpdir(), `switchyard-image-${index}-`));
      made.push(app);
      for (const step of stage.steps) {
        // Every stage's folder stands for /app: a stage working elsewhere needs a new mapping.
        if (step.keyword === 'WORKDIR') assert.equal(step.rest, '/app', 'WORKDIR other than /app');
        if (step.keyword === 'COPY') copyStep(step.rest, app, context, folders, ignored);
        if (step.keyword === 'RUN') runStep(step.rest, app, context);
      }
      folders.set(stage.name ?? `stage-${index}`, app);
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { folders, final: made.at(-1)!, cleanup };
}

function copyStep(
  rest: string,
  app: string,
  context: string,
  folders: ReadonlyMap<string, string>,
  ignored: (path: string) => boolean,
): void {
  const { from, sources, dest } = copyParts(rest);
  const fromFolder = from === undefined ? context : folders.get(from);
  assert.ok(fromFolder, `COPY --from=${from}: no earlier stage has that name`);
  const target = join(app, dest);
  const intoFolder = dest.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    // A stage's paths are absolute inside it (its WORKDIR is /app); the context's relative.
    const path =
      from === undefined
        ? join(context, source)
        : join(fromFolder, source.replace(/^\/app\/?/, ''));
    assert.ok(existsSync(path), `COPY ${source}: not found`);
    const destination =
      statSync(path).isDirectory() || !intoFolder ? target : join(target, basename(path));
    cpSync(path, destination, {
      recursive: true,
      preserveTimestamps: true,
      filter: (item) => from !== undefined || !ignored(relative(context, item)),
    });
  }
}

function runStep(command: string, app: string, context: string): void {
  for (const part of command.split('&&').map((piece) => piece.trim())) {
    if (part.startsWith('npm ci')) {
      if (!existsSync(join(app, 'node_modules'))) {
        symlinkSync(join(context, 'node_modules'), join(app, 'node_modules'), 'dir');
      }
      continue;
    }
    if (part.startsWith('npm cache')) continue;
    const env = { ...process.env };
    delete env.SWITCHYARD_FROM_SOURCE;
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    const result = spawnSync('sh', ['-c', part], { cwd: app, env, encoding: 'utf8' });
    assert.equal(result.status, 0, `RUN ${part}\n${result.stdout}${result.stderr}`);
  }
}
