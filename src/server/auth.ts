import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { onRequestHookHandler } from 'fastify';
import { GatewayError } from '../errors/gateway-error.ts';

/** `Authorization: Bearer <key>`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^bearer\s+/i;

/**
 * A hook that lets a request through only with the master key, or undefined when no key is
 * configured (the gateway is then open, as LiteLLM is without `master_key`). It runs before the
 * body is read, so an unauthenticated request never costs a parse or an engine call.
 *
 * Headers accepted, first present wins, as LiteLLM's proxy reads them: `x-litellm-api-key`
 * (bearer prefix optional), `Authorization: Bearer`, `api-key` (Azure OpenAI clients),
 * `x-api-key` (Anthropic clients). Keys are compared by SHA-256 digest with
 * `timingSafeEqual`: constant time, and the digest hides the key's length. The master key,
 * once presented, is remembered in a set (only ever that one string).
 */
export function createAuthGuard(masterKey: string | undefined): onRequestHookHandler | undefined {
  if (masterKey === undefined) return undefined;
  if (masterKey === '') throw new RangeError('masterKey must not be empty when set');
  const expected = digest(masterKey);
  // The key once it has been accepted, looked up by the string's hash: a wrong key is told
  // apart by its hash, not by a character-by-character comparison, so the lookup reveals no
  // matching prefix. It spares every later request a SHA-256 (~1.5% of a request's CPU).
  const accepted = new Set<string>();
  return function requireMasterKey(request, reply, done) {
    const presented = presentedKey(request.headers);
    if (presented !== undefined && accepted.has(presented)) {
      done();
      return;
    }
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      accepted.add(presented);
      done();
      return;
    }
    // Sending an Error routes it to the one error handler; `done` is not called, so the
    // request goes no further. The key itself is never echoed or logged.
    void reply.send(
      new GatewayError(
        'AuthenticationError',
        presented === undefined
          ? 'Authentication Error, No api key passed in.'
          : 'Authentication Error, Invalid proxy server token passed.',
      ),
    );
  };
}

/** The key the client presented, or undefined when it sent none. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const litellmKey = headers['x-litellm-api-key'];
  if (typeof litellmKey === 'string') return litellmKey.replace(BEARER, '').trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    // A non-bearer scheme presents no usable key: it is refused as wrong, not as missing.
    return BEARER.test(authorization) ? authorization.replace(BEARER, '').trim() : '';
  }
  const azureKey = headers['api-key'];
  if (typeof azureKey === 'string') return azureKey.trim();
  const anthropicKey = headers['x-api-key'];
  if (typeof anthropicKey === 'string') return anthropicKey.trim();
  return undefined;
}

/**
 * SHA-256 through the one-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call, about
 * half the cost of `createHash().update().digest()`, and the same fixed 32 bytes.
 */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
