// A local control channel of the process that holds the embedded database: a Unix socket in the
// data directory (its file permissions are the authentication). `npm run reconcile` goes through
// it while the system runs, since a second process must never open the same PGlite directory.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile';

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

export async function startAdminSocket(path: string, deps: { db: Db; temporal: Client; log: Logger }): Promise<AdminSocket> {
  rmSync(path, { force: true }); // a stale socket of a process that died (the DB lock says none is alive)
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/reconcile') {
          res.writeHead(404).end();
          return;
        }
        try {
          const opts = JSON.parse(Buffer.concat(chunks).toString() || '{}') as ReconcileOptions;
          const out = await reconcile(deps.db, deps.temporal, deps.log, { visibilityQuery: opts.visibilityQuery, dryRun: opts.dryRun === true });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        } catch (e) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  chmodSync(path, 0o600);
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asks the running process to reconcile (see startAdminSocket). */
export function reconcileThrough(path: string, opts: ReconcileOptions): Promise<ReconcileResult> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, method: 'POST', path: '/reconcile', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as ReconcileResult & { error?: string };
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(body.error ?? `reconcile failed (${res.statusCode})`));
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(opts));
  });
}
