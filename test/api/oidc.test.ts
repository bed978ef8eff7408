// OIDC: with OIDC_JWKS_URL set, the API accepts only tokens signed by the identity provider's keys
// (fetched from its JWKS), for the configured issuer and audience, not expired, for a known user.
// The IdP here is a key pair made by jose and a JWKS served by node:http on a free port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../api/auth';
import { client, startSystem, type TestSystem } from '../helpers/system';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'jixiao';
const KID = 'idp-key-1';

interface Claims {
  sub?: string;
  iss?: string;
  aud?: string;
  /** seconds from now; null: no exp claim */
  exp?: number | null;
  iat?: number;
}

describe('OIDC / JWKS authentication', () => {
  let jwksServer: Server;
  let jwksRequests = 0;
  let idpKey: CryptoKey;
  let otherKey: CryptoKey;
  let sys: TestSystem;

  const now = () => Math.floor(Date.now() / 1000);
  const sign = (key: CryptoKey, c: Claims = {}, kid = KID) => {
    const jwt = new SignJWT({ name: 'from the IdP' })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setSubject(c.sub ?? 'd01-reviewer')
      .setIssuer(c.iss ?? ISSUER)
      .setAudience(c.aud ?? AUDIENCE)
      .setIssuedAt(now() + (c.iat ?? 0));
    return (c.exp === null ? jwt : jwt.setExpirationTime(now() + (c.exp ?? 600))).sign(key);
  };
  const me = async (token: string) => client(sys.url, token).get('/api/me');

  beforeAll(async () => {
    const idp = await generateKeyPair('RS256');
    idpKey = idp.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(idp.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      if (req.url !== '/jwks') {
        res.writeHead(404).end();
        return;
      }
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', () => resolve()));
    const { port } = jwksServer.address() as AddressInfo;
    sys = await startSystem({ OIDC_ISSUER: ISSUER, OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`, OIDC_AUDIENCE: AUDIENCE, DEMO_USERS: 'true' });
  });

  afterAll(async () => {
    await sys?.stop();
    jwksServer?.closeAllConnections();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('accepts a token signed by the identity provider and maps its sub to the user', async () => {
    const r = await me(await sign(idpKey));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'd01-reviewer', name: '陈静', orgId: 'D01', deptId: 'D01', roles: ['competent_reviewer'] });
    expect(r.body.permissions).toContain('task.read');
    expect(jwksRequests).toBeGreaterThan(0); // the keys came from the JWKS endpoint
    // and it opens the rest of the API, not only /api/me
    expect((await client(sys.url, await sign(idpKey)).get('/api/tasks')).status).toBe(200);
    // another user is another user
    expect((await me(await sign(idpKey, { sub: 'perf-officer' }))).body).toMatchObject({ id: 'perf-officer', roles: ['finance_performance'] });
  });

  const refused: Array<[string, () => Promise<string>, RegExp]> = [
    ['a token for another audience', () => sign(idpKey, { aud: 'another-app' }), /"aud" claim/],
    ['a token from another issuer', () => sign(idpKey, { iss: 'https://evil.test' }), /"iss" claim/],
    ['an expired token', () => sign(idpKey, { iat: -3600, exp: -60 }), /"exp" claim/],
    ['a token without an expiry', () => sign(idpKey, { exp: null }), /missing required "exp" claim/],
    ['a token valid for 30 days', () => sign(idpKey, { exp: 30 * 86400 }), /lifetime/],
    ['a token signed by another key under the IdP key id', () => sign(otherKey), /signature verification failed/],
    ['a token signed by another key under an unknown key id', () => sign(otherKey, {}, 'not-in-jwks'), /no applicable key/],
    ['a token for a user jixiao does not know', () => sign(idpKey, { sub: 'nobody@idp.test' }), /unknown or inactive user nobody@idp\.test/],
  ];
  for (const [what, token, why] of refused) {
    it(`refuses ${what} with 401`, async () => {
      const r = await me(await token());
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
      expect(r.body.error.message).toMatch(why);
    });
  }

  it('refuses an unsigned token and a request without one', async () => {
    const good = await sign(idpKey);
    const [, payload] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect((await me(none)).status).toBe(401);
    const bare = await fetch(`${sys.url}/api/me`);
    expect(bare.status).toBe(401);
  });

  it('refuses the HS256 demo token, and demo login says why instead of issuing a useless token', async () => {
    // a genuine demo token: signed with this deployment's JWT_SECRET exactly as demo mode issues it
    const demo = createAuth(sys.deps.db, { ...sys.config.auth, oidcJwksUrl: undefined, oidcIssuer: undefined, oidcAudience: undefined });
    expect(demo.mode).toBe('demo');
    const token = await demo.issue('d01-reviewer');
    const req = { header: (name: string) => (name.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined) } as unknown as Request;
    expect((await demo.authenticate(req)).id).toBe('d01-reviewer'); // valid in demo mode…
    const r = await me(token); // …refused when OIDC is configured
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');

    const login = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'd01-reviewer' }) });
    expect(login.status).toBe(404);
    const body = (await login.json()) as { token?: string; error: { message: string } };
    expect(body.token).toBeUndefined();
    expect(body.error.message).toMatch(/OIDC/);
  });
});
