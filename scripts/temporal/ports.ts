// Ports on 127.0.0.1: is one free, and one the kernel picks.
import { createServer } from 'node:net';

/** Throws `message` if something already listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, message?: string): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') reject(new Error(message ?? `port ${port} is in use`));
      else reject(err);
    });
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolvePromise()));
  });
}

/** A port that was free a moment ago (bind port 0 and let the kernel choose). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

