// Starts the HTTP app on a port, with a clear message when the port is taken.
import type { Server } from 'node:http';
import type { Deps } from '../app/deps';
import { createApp } from './app';

export interface RunningApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startApi(deps: Deps, port = deps.config.api.port, host = '0.0.0.0'): Promise<RunningApi> {
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
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
