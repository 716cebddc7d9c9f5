import { headerNameOf } from './header-names.ts';

/**
 * An answer's headers as undici hands them over (name, value, name, value…, as Buffers),
 * decoded only as far as they are read: a value is a call into C++ and a new string, and of an
 * upstream's dozen or two headers a successful answer needs two or three (its content type,
 * the rate-limit and retry headers passed on). Names are lower-case; a repeated header keeps
 * its first value; hop-by-hop headers are left out. Values are read as latin1, as undici does.
 */
export class RawHeaders {
  #names: string[] | undefined;
  #all: Record<string, string> | undefined;

  constructor(private readonly raw: readonly Buffer[]) {}

  /** Every header. Built once, on first use. */
  all(): Readonly<Record<string, string>> {
    if (this.#all !== undefined) return this.#all;
    const names = this.names();
    const all: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      if (name !== '') all[name] = this.value(index);
    }
    this.#all = all;
    return all;
  }

  /** One header's value, by lower-case name. */
  get(name: string): string | undefined {
    const index = this.names().indexOf(name);
    return index === -1 ? undefined : this.value(index);
  }

  /** The headers whose names `keep` accepts; only their values are decoded. */
  pick(keep: (name: string) => boolean): Record<string, string> {
    const names = this.names();
    const picked: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      if (name !== '' && keep(name)) picked[name] = this.value(index);
    }
    return picked;
  }

  /** The name of each pair (headerNameOf), '' where the pair is left out (or a repeat). */
  private names(): string[] {
    if (this.#names !== undefined) return this.#names;
    const names: string[] = [];
    for (let index = 0; index + 1 < this.raw.length; index += 2) {
      const name = headerNameOf(this.raw[index]!);
      names.push(name !== '' && names.includes(name) ? '' : name);
    }
    this.#names = names;
    return names;
  }

  private value(pair: number): string {
    return this.raw[pair * 2 + 1]!.toString('latin1');
  }
}

/** The headers of an answer that has none (yet). */
export const NO_RAW_HEADERS = new RawHeaders([]);
