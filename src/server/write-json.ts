import type { FastifyReply } from 'fastify';
import type { HeaderList } from './response-headers.ts';

/** The type fastify gives a serialised object, kept for answers written without it. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a JSON answer (`text`, already serialised) straight to the response, adding its
 * content type and length to `headers`. No hook or serializer of fastify's applies to it: its
 * reply pipeline (a header call per name, the send hooks, its serializer) was ~1.5 % of a
 * proxied request and more of an error answer, which is all a load-shedding 429 is.
 */
export function writeJson(
  reply: FastifyReply,
  status: number,
  headers: HeaderList,
  text: string,
): FastifyReply {
  headers.push(
    'content-type',
    JSON_CONTENT_TYPE,
    'content-length',
    String(Buffer.byteLength(text)),
  );
  reply.hijack();
  reply.raw.writeHead(status, headers).end(text);
  return reply;
}
