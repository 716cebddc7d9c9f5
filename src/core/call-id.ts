/**
 * Call ids: random (version 4) UUIDs, the `x-litellm-call-id` of every answer and the
 * `call_id` of its request log line.
 *
 * Why not `crypto.randomUUID()`: it joins each id from twenty short pieces, a string V8 must
 * flatten before anything can test, hash or write it, and every id is tested (the response
 * header check) and written. Per request that was ~3k instructions (callgrind), more than the
 * rest of the request log. Here a batch of ids is formatted into one buffer and decoded once;
 * each id is a slice of that text, flat from the start. The randomness is the same: the same
 * CSPRNG, one batch at a time, as randomUUID() itself does. A slice keeps its batch's text
 * (4.6 KB) alive: fine for ids that live as long as a request; code that stores ids for long
 * should store copies.
 */
import { randomFillSync } from 'node:crypto';

/** Ids formatted per refill. randomUUID() caches the same amount of randomness. */
const BATCH = 128;
/** `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` */
const ID_LENGTH = 36;
const BYTES_PER_ID = 16;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

const random = Buffer.alloc(BATCH * BYTES_PER_ID);
const formatted = Buffer.alloc(BATCH * ID_LENGTH);
let text = '';
let nextId = BATCH;

/** A new random UUID (version 4, RFC 9562), lower-case. */
export function newCallId(): string {
  if (nextId === BATCH) refill();
  const start = nextId * ID_LENGTH;
  nextId += 1;
  return text.slice(start, start + ID_LENGTH);
}

function refill(): void {
  randomFillSync(random);
  let out = 0;
  for (let id = 0; id < BATCH; id++) {
    const first = id * BYTES_PER_ID;
    // The version (4) and variant (10xx) bits, as RFC 9562 sets them.
    random[first + 6] = (random[first + 6]! & 0x0f) | 0x40;
    random[first + 8] = (random[first + 8]! & 0x3f) | 0x80;
    for (let index = 0; index < BYTES_PER_ID; index++) {
      const byte = random[first + index]!;
      formatted[out++] = HEX_DIGITS[byte >> 4]!;
      formatted[out++] = HEX_DIGITS[byte & 0x0f]!;
      // Dashes after bytes 4, 6, 8 and 10: 8-4-4-4-12 digits.
      if (index === 3 || index === 5 || index === 7 || index === 9) formatted[out++] = DASH;
    }
  }
  text = formatted.toString('latin1');
  nextId = 0;
}
