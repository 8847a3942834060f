import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, the port the OS picked. */
  endpoint: string;
  /** Stops listening and closes every connection; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Listens on a loopback port the OS picks. Stopping closes the kept-alive sockets too: the SDK
 * clients and the simulated labelers keep theirs open, which would hold the server up.
 */
export const listenOnLoopback = async (server: Server): Promise<LoopbackServer> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
};
