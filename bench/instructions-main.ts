/**
 * `npm run bench:instructions -- [--targets floor,switchyard] [--scenarios json,stream]
 * [--requests n] [--warmup n] [--keep dir]`: see instructions.ts.
 */
import { parseArgs } from 'node:util';
import { list, positive, whole } from './bench-options.ts';
import { countInstructions, formatInstructions } from './instructions.ts';

const USAGE = `npm run bench:instructions -- [flags]

Counts the instructions per request of the floor and of this checkout's Switchyard under
valgrind's callgrind (main thread only), after a warm-up. Needs valgrind. Takes minutes: the
processes run ~50 times slower under valgrind.

  --targets <list>      floor, switchyard or both (default floor,switchyard)
  --scenarios <list>    json, stream or both (default json,stream)
  --requests <n>        requests counted per target and scenario (default 2000)
  --warmup <n>          requests sent before counting (default 12000: under valgrind V8
                        optimises far later than in a real run)
  --keep <dir>          keep each count's callgrind profile and V8 symbol map in <dir>
                        (<target>-<scenario>.out/.map), to read by function with
                        bench/callgrind-names.ts`;

let options;
try {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      requests: { type: 'string' },
      warmup: { type: 'string' },
      keep: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const scenarios = list('scenarios', values.scenarios, ['json', 'stream'] as const);
  options = {
    targets: list('targets', values.targets, ['floor', 'switchyard'] as const),
    streams: [...scenarios].map((name) => name === 'stream'),
    requests: whole(positive('requests', values.requests)) ?? 2000,
    warmup: whole(positive('warmup', values.warmup)) ?? 12_000,
    ...(values.keep === undefined ? {} : { keepDir: values.keep }),
  };
} catch (error) {
  console.error(`bench:instructions: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
try {
  const counts = await countInstructions(options, (line) => console.error(`  ${line}`));
  console.log(formatInstructions(counts));
} catch (error) {
  console.error(`bench:instructions: ${(error as Error).message}`);
  process.exit(1);
}
