// Secrets and exposure (issue 14, item 7) against the real system: tokens need a bounded expiry,
// the API listens on 127.0.0.1 unless told otherwise, agencies and experts see only their own
// organisation in the directory.
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../api/server';
import { DEMO_USERS } from '../../app/seed';
import { client, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

describe('demo tokens (HS256) need a bounded expiry', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const secret = () => new TextEncoder().encode(sys.config.auth.jwtSecret);
  const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('director').setIssuer('jixiao');
  const me = (token: string) => client(sys.url, token).get('/api/me');

  it('a token the API issued at login opens the API', async () => {
    expect((await (await sys.as('director')).get('/api/me')).status).toBe(200);
  });

  it('a token without exp, signed with the deployment secret, is refused: it would never expire', async () => {
    const r = await me(await base().setIssuedAt().sign(secret()));
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'authorization' });
    expect(r.body.error.message).toMatch(/"exp" claim/);
  });

  it('a token valid for a year is refused: lifetimes are bounded (24 h)', async () => {
    const r = await me(await base().setIssuedAt().setExpirationTime('365d').sign(secret()));
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/lifetime/);
    // without iat as well: the time left counts
    const noIat = await me(await base().setExpirationTime(now() + 30 * 86400).sign(secret()));
    expect(noIat.status).toBe(401);
  });

  it('a token valid for 12 hours, like the login issues, is accepted', async () => {
    expect((await me(await base().setIssuedAt().setExpirationTime('12h').sign(secret()))).status).toBe(200);
  });
});

describe('where the API listens', () => {
  it('by default on 127.0.0.1 only', async () => {
    expect(sys.config.api.host).toBe('127.0.0.1');
    const api = await startApi(sys.deps, 0);
    try {
      expect((api.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await api.close();
    }
  });
});

describe('the user directory', () => {
  const ids = (rows: Array<{ id: string; orgId: string }>) => rows.map((r) => r.id).sort();
  const orgOf = (id: string) => DEMO_USERS.find((u) => u.id === id)!.org;

  for (const who of ['agency1', 'expert1']) {
    it(`${who} sees only the people of their own organisation`, async () => {
      const h = await sys.as(who);
      const r = await h.get('/api/users');
      expect(r.status).toBe(200);
      expect(ids(r.body)).toEqual(DEMO_USERS.filter((u) => u.org === orgOf(who)).map((u) => u.id).sort());
      const other = await h.get('/api/users?orgId=FIN');
      expect(other.status).toBe(403);
      expect(other.body.error.field).toBe('query.orgId');
      expect((await h.get(`/api/users?orgId=${orgOf(who)}`)).status).toBe(200);
    });
  }

  it('officers still find everyone they may hand a task to', async () => {
    const r = await (await sys.as('d01-reviewer')).get('/api/users');
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(DEMO_USERS.length);
  });
});
