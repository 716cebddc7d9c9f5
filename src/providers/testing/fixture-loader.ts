/**
 * Test support: reads the recorded-style upstream answers each provider keeps in its
 * `fixtures/` folder (one JSON file per answer). Imported by tests only.
 */
import { readFileSync } from 'node:fs';

/** A recorded JSON answer. */
export interface JsonFixture {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/**
 * A reader of the fixtures in `folder` (a directory URL ending in `/`, e.g.
 * `new URL('./', import.meta.url)`): `read(name)` parses `<folder>/<name>.json`.
 */
export function fixtureReader(folder: URL): (name: string) => unknown {
  return (name) => JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as unknown;
}

/** A JSON fixture's body as the text an upstream would send. */
export function bodyText(fixture: JsonFixture): string {
  return JSON.stringify(fixture.body);
}
