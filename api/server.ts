// Starts the HTTP app on a port, with a clear message when the port is taken.
import type { Server } from 'node:http';
import type { Deps } from '../app/deps';
import { monitorTemporal } from '../app/temporalHealth';
import { connectionOptions } from '../app/temporalConnection';
import { createApp, type AppDeps } from './app';
import type { DecisionQueue } from './inbox';

export interface RunningApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens on API_HOST (127.0.0.1 unless configured: a deployment opens the API to a network on purpose). */
export async function startApi(deps: Deps, port = deps.config.api.port, host = deps.config.api.host, { processes }: Pick<AppDeps, 'processes'> = {}): Promise<RunningApi> {
  // while Temporal is away, requests that need it are answered 503 at once (api/temporalGuard.ts)
  const temporalHealth = monitorTemporal(connectionOptions(deps.config.temporal), {
    log: { info: (m) => deps.log.info(m), warn: (m) => deps.log.warn(m) },
  });
  const app = createApp({ ...deps, temporalHealth, processes });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host);
    s.once('listening', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: is jixiao already running? set API_PORT=… to use another`) : e),
    );
  }).catch(async (e: unknown) => {
    await temporalHealth.close();
    throw e;
  });
  const decisions = app.locals.decisions as DecisionQueue;
  decisions.start(); // decisions queued before a restart go on at once
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  // a URL this machine reaches the API at (a wildcard address is reached on loopback)
  const local = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === 'localhost' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${local}:${actual}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await decisions.stop();
      await temporalHealth.close();
    },
  };
}
