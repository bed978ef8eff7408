// Starts the HTTP app on a port, with a clear message when the port is taken.
import type { Server } from 'node:http';
import type { Deps } from '../app/deps';
import { createApp } from './app';

export interface RunningApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens on API_HOST (127.0.0.1 unless configured: a deployment opens the API to a network on purpose). */
export async function startApi(deps: Deps, port = deps.config.api.port, host = deps.config.api.host): Promise<RunningApi> {
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host);
    s.once('listening', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: is jixiao already running? set API_PORT=… to use another`) : e),
    );
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  // a URL this machine reaches the API at (a wildcard address is reached on loopback)
  const local = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === 'localhost' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${local}:${actual}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
