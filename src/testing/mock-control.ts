/**
 * The control API under `/__control/`, so `switchyard mock`, the demo and out-of-process tests
 * can drive a mock they did not start. Control calls are never counted or captured.
 */
import type { ServerResponse } from 'node:http';
import { openAiError } from './mock-errors.ts';
import { type Fault, normalizeFault } from './mock-faults.ts';
import {
  isRecord,
  parseBody,
  pathOf,
  readBody,
  type RequestHandler,
  send,
  sendNoContent,
} from './mock-http.ts';
import type { MockState } from './mock-state.ts';

/** The prefix of every control path. */
export const CONTROL_PREFIX = '/__control/';

/** What the control API drives: the upstream's own programmatic surface. */
export interface ControlTarget {
  readonly state: MockState;
  fail(fault: Fault): void;
  setReply(text: string): void;
  setLatency(ms: number): void;
  down(ms: number): Promise<void>;
}

const NO_HEADERS: Readonly<Record<string, string>> = {};

/** The handler of `/__control/*` requests. Bad input answers 400 with the RangeError's message. */
export function createControlHandler(target: ControlTarget): RequestHandler {
  const { state } = target;

  function route(res: ServerResponse, method: string, path: string, body: unknown): void {
    switch (`${method} ${path.slice(CONTROL_PREFIX.length)}`) {
      case 'POST fault':
        target.fail(normalizeFault(body));
        return sendNoContent(res);
      case 'POST reset':
        state.reset();
        return sendNoContent(res);
      case 'GET hits':
        return send(res, 200, JSON.stringify(state.hits()), NO_HEADERS);
      case 'GET requests':
        return send(res, 200, JSON.stringify(state.requests()), NO_HEADERS);
      case 'POST reply':
        target.setReply(stringField(body, 'reply'));
        return sendNoContent(res);
      case 'POST latency':
        target.setLatency(numberField(body, 'ms'));
        return sendNoContent(res);
      case 'POST down': {
        const ms = numberField(body, 'ms');
        if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be >= 0, got ${ms}`);
        // Answer first: once down, the mock cannot answer anyone, this caller included.
        res.once('finish', () => {
          target.down(ms).catch(() => undefined);
        });
        return sendNoContent(res);
      }
      default:
        return fail(res, 404, `Unknown control endpoint (${method} ${path})`);
    }
  }

  return (req, res, url) => {
    const method = req.method ?? 'GET';
    readBody(req, (raw) => {
      const parsed = parseBody(raw);
      if (!parsed.ok) return fail(res, 400, 'The control request body is not valid JSON.');
      try {
        route(res, method, pathOf(url), parsed.value);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        fail(res, 400, error.message);
      }
    });
  };
}

function stringField(body: unknown, name: string): string {
  const value = isRecord(body) ? body[name] : undefined;
  if (typeof value !== 'string')
    throw new RangeError(`expected a JSON body with "${name}": string`);
  return value;
}

function numberField(body: unknown, name: string): number {
  const value = isRecord(body) ? body[name] : undefined;
  if (typeof value !== 'number')
    throw new RangeError(`expected a JSON body with "${name}": number`);
  return value;
}

function fail(res: ServerResponse, status: number, message: string): void {
  send(res, status, JSON.stringify(openAiError(message, 'invalid_request_error')), NO_HEADERS);
}
