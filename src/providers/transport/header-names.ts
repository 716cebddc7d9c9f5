import { util } from 'undici';
import { memoizeString } from '../../core/string-memo.ts';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe this connection, not the answer: no provider
 * reads them, and none is passed on.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The lower-case name the answer is keyed by, or '' for a header it leaves out. */
const keptName = memoizeString((lower) =>
  // A header named __proto__ would set the object's prototype, not a property.
  HOP_BY_HOP.has(lower) || lower === '__proto__' ? '' : lower,
);

/** A name's bytes as they came, and what they mean. */
interface KnownName {
  readonly bytes: Uint8Array;
  readonly name: string;
}

/** Names remembered by a hash of their bytes; bounded, since the names come from the network. */
const known = new Map<number, KnownName>();
const MAX_KNOWN = 1024;
const MAX_NAME_BYTES = 64;

/**
 * The lower-case name a raw header name (bytes as undici hands them over) is kept under, or ''
 * for a header left out (hop-by-hop, `__proto__`). An upstream sends the same names, in the same
 * case, on every answer: they are remembered by their bytes, found again by a hash of them
 * (FNV-1a) and a comparison, ~200 instructions a name. Decoding one instead costs ~1.2k (a Buffer
 * toString(), a call into C++ and a new string, then lower-casing and a lookup by the new
 * string's hash); undici's headerNameToString(), used for a name seen first, walks a tree of the
 * well-known names byte by byte (~600).
 */
export function headerNameOf(raw: Uint8Array): string {
  const length = raw.length;
  let hash = 0x811c9dc5;
  for (let index = 0; index < length; index++) hash = Math.imul(hash ^ raw[index]!, 0x01000193);
  // A small integer key: V8 keeps it unboxed.
  hash &= 0x3fffffff;
  const seen = known.get(hash);
  if (seen !== undefined && sameBytes(seen.bytes, raw)) return seen.name;
  const name = keptName(util.headerNameToString(toBuffer(raw)));
  if (length <= MAX_NAME_BYTES) {
    if (known.size >= MAX_KNOWN) known.clear();
    // A copy: undici's name is a view into the socket's read, which must not be kept alive.
    known.set(hash, { bytes: Uint8Array.from(raw), name });
  }
  return name;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.length;
  if (b.length !== length) return false;
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
