/**
 * A bare loopback server for the single-wire mocks (Bedrock, Gemini, Ollama), which need no
 * control API, restarts or fixed ports: just a port 0 listener and a close that drops clients.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Drops open connections (keep-alive ones too, or close would wait for them) and stops. */
  close(): Promise<void>;
}

/** Listens on an ephemeral 127.0.0.1 port; resolves once it accepts connections. */
export async function listenOnLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
