/**
 * `npm run bench:compare -- <git ref> [--rounds n] [--duration s] [--connections n]
 * [--scenarios json,stream]`: see compare.ts.
 */
import { parseArgs } from 'node:util';
import { list, positive, whole } from './bench-options.ts';
import { compareBuilds, formatComparison } from './compare.ts';

const USAGE = `npm run bench:compare -- <git ref> [flags]

Runs this checkout's Switchyard and the one at <git ref> side by side on one mock, both
loaded at once, and prints the CPU per request of each round and the median change.

  --rounds <n>          rounds per scenario (default 5)
  --duration <s>        seconds per round (default 4)
  --connections <n>     connections per build (default 25)
  --scenarios <list>    json, stream or both (default json,stream)`;

let options;
try {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const base = positionals[0];
  if (base === undefined || positionals.length > 1) throw new Error('give exactly one git ref');
  const scenarios = list('scenarios', values.scenarios, ['json', 'stream'] as const);
  options = {
    base,
    rounds: whole(positive('rounds', values.rounds)) ?? 5,
    durationS: positive('duration', values.duration) ?? 4,
    connections: whole(positive('connections', values.connections)) ?? 25,
    streams: [...scenarios].map((name) => name === 'stream'),
  };
} catch (error) {
  console.error(`bench:compare: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
try {
  const results = await compareBuilds(options, (line) => console.error(`  ${line}`));
  console.log(formatComparison(results));
} catch (error) {
  console.error(`bench:compare: ${(error as Error).message}`);
  process.exit(1);
}
