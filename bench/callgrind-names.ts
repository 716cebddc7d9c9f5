/**
 * `node --import tsx bench/callgrind-names.ts <map> [callgrind_annotate flags] <profile>`:
 * callgrind_annotate's report with the code V8 generated at run time named.
 *
 * Valgrind knows only the functions of node's binary and its libraries: every JavaScript
 * function, compiled regex and inline-cache stub shows as `???:0x…`, which is where most of a
 * request's instructions are. node's --perf-basic-prof writes a map of that code (start, size,
 * name per line); `npm run bench:instructions -- --keep <dir>` keeps it beside each profile.
 * See docs/performance.md ("Counting instructions").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** V8's code map: the name of the code that holds an address. */
export interface SymbolMap {
  nameAt(address: number): string | undefined;
}

/** Parses a perf map (`<start hex> <size hex> <name>` per line). */
export function readSymbolMap(text: string): SymbolMap {
  const entries: { start: number; end: number; name: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/.exec(line);
    if (!match) continue;
    const start = Number.parseInt(match[1]!, 16);
    entries.push({ start, end: start + Number.parseInt(match[2]!, 16), name: match[3]! });
  }
  entries.sort((a, b) => a.start - b.start);
  return {
    nameAt(address) {
      // The last entry starting at or before the address, if the address is inside it.
      let low = 0;
      let high = entries.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (entries[middle]!.start <= address) low = middle + 1;
        else high = middle - 1;
      }
      const entry = entries[high];
      return entry !== undefined && address < entry.end ? entry.name : undefined;
    },
  };
}

/** The report with each `???:0x<address>` that the map knows replaced by its name. */
export function nameJitFrames(report: string, symbols: SymbolMap): string {
  return report.replace(
    /\?\?\?:0x([0-9a-f]+)(?: \[\?\?\?\])?/g,
    (unknown, hex: string) => symbols.nameAt(Number.parseInt(hex, 16)) ?? unknown,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mapPath, ...annotateArgs] = process.argv.slice(2);
  if (mapPath === undefined || annotateArgs.length === 0) {
    console.error(
      'usage: node --import tsx bench/callgrind-names.ts <map> [callgrind_annotate flags] <profile>',
    );
    process.exit(2);
  }
  const report = execFileSync('callgrind_annotate', annotateArgs, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(nameJitFrames(report, readSymbolMap(readFileSync(mapPath, 'utf8'))));
}
