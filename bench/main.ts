/**
 * `npm run bench`: the mock upstream direct, the Node floor and Switchyard (and installed peers)
 * side by side on this machine. See docs/performance.md for the method and how to read it.
 */
import { parseBenchArgs, USAGE } from './bench-options.ts';
import { formatReport, writeResults } from './report.ts';
import { runBench } from './run-bench.ts';

let options;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const results = await runBench(options, (line) => console.error(`  ${line}`));
console.log(formatReport(results));
if (options.outDir !== undefined)
  console.log(`\nresults: ${writeResults(results, options.outDir)}`);
