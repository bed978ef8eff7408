// Configuration: defaults give the embedded system; every region profile loads with the numbers of
// its seed document; a wrong value stops the start with a ConfigError naming the variable; and the
// routing rule of pre-assessment follows each region's profile.
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { regionIds, regionProfile } from '../config/regions';
import { routeApplication } from '../contracts/preAssessment/rules';
import { connectionOptions } from '../app/temporalConnection';

const env = (e: Record<string, string>) => loadConfig(e as NodeJS.ProcessEnv);
const REGIONS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'config', 'regions');

describe('defaults: the embedded system', () => {
  const c = env({});

  it('starts its own Temporal and keeps the product data in PGlite under data/', () => {
    expect(c.temporal.external).toBeUndefined();
    expect(c.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'jixiao', port: 7233, uiPort: 8233, taskQueue: 'jixiao', tls: false });
    expect(c.db.url).toBeUndefined();
    expect(c.financeDb.url).toBeUndefined();
    expect(c.dataDir).toBe(resolve('data'));
    expect(relative(process.cwd(), c.db.dataDir)).toBe(join('data', 'pglite'));
    expect(relative(process.cwd(), c.financeDb.dataDir)).toBe(join('data', 'finance-pglite'));
  });

  it('runs the finance stand-in, the mail catcher and demo login locally', () => {
    expect(c.api).toEqual({ port: 3000, host: '127.0.0.1', publicUrl: 'http://localhost:3000' });
    expect(c.finance).toEqual({ port: 3100, url: 'http://127.0.0.1:3100', scale: 'demo', embedded: true });
    expect(c.mail).toMatchObject({ host: '127.0.0.1', port: 1025, secure: false, catcher: true, webPort: 1080 });
    expect(c.auth).toMatchObject({ demoUsers: true, oidcJwksUrl: undefined, oidcIssuer: undefined, oidcAudience: undefined });
    expect(c.auth.jwtSecret.length).toBeGreaterThanOrEqual(16);
    expect(c.logLevel).toBe('info');
  });

  it('is the Inner Mongolia profile: new projects above 5,000,000 yuan need a pre-assessment', () => {
    expect(c.region.id).toBe('inner-mongolia');
    expect(c.region.preAssessment).toMatchObject({ requiredForAll: false, mandatoryAboveFen: 500_000_000 });
  });

  it('treats an empty variable as unset', () => {
    const e = env({ API_PORT: '', REGION: '', DATABASE_URL: '' });
    expect(e.api.port).toBe(3000);
    expect(e.region.id).toBe('inner-mongolia');
    expect(e.db.url).toBeUndefined();
  });
});

describe('production settings', () => {
  it('DATABASE_URL switches both databases to PostgreSQL; FINANCE_DATABASE_URL separates the stand-in', () => {
    const url = 'postgres://jixiao:secret@db.internal:5432/jixiao';
    expect(env({ DATABASE_URL: url })).toMatchObject({ db: { url }, financeDb: { url } });
    const other = 'postgres://finance@db2.internal:5432/finance';
    expect(env({ DATABASE_URL: url, FINANCE_DATABASE_URL: other })).toMatchObject({ db: { url }, financeDb: { url: other } });
  });

  it('JIXIAO_DATA_DIR moves the embedded data', () => {
    const c = env({ JIXIAO_DATA_DIR: '/var/lib/jixiao' });
    expect(c.dataDir).toBe('/var/lib/jixiao');
    expect(c.db.dataDir).toBe('/var/lib/jixiao/pglite');
  });

  it('TEMPORAL_ADDRESS uses an existing Temporal; FINANCE_URL another finance service; remote SMTP no catcher', () => {
    const c = env({ TEMPORAL_ADDRESS: 'temporal.internal:7233', FINANCE_URL: 'https://budget.finance.internal/', SMTP_HOST: 'smtp.internal', PUBLIC_URL: 'https://jixiao.example/' });
    expect(c.temporal).toMatchObject({ external: 'temporal.internal:7233', address: 'temporal.internal:7233', tls: false });
    expect(c.finance).toMatchObject({ url: 'https://budget.finance.internal', embedded: false });
    expect(c.mail.catcher).toBe(false);
    expect(c.api.publicUrl).toBe('https://jixiao.example');
  });

  it('TEMPORAL_API_KEY implies TLS (Temporal Cloud), in the config and in the connection options', () => {
    const cloud = env({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123' });
    expect(cloud.temporal).toMatchObject({ apiKey: 'key-123', tls: true });
    expect(connectionOptions(cloud.temporal)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'key-123' });
    const plain = env({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(connectionOptions(plain.temporal)).toEqual({ address: 'temporal.internal:7233' });
    expect(env({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
  });
});

describe('invalid values stop the start and name the variable', () => {
  const bad: Array<[string, string]> = [
    ['API_PORT', '70000'],
    ['REGION', 'atlantis'],
    ['TEMPORAL_ADDRESS', 'nohost'],
    ['JWT_SECRET', 'short'],
    ['SMTP_SECURE', 'maybe'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['API_HOST', 'not a host'],
  ];
  for (const [name, value] of bad) {
    it(`${name}=${value}`, () => {
      let err: unknown;
      try {
        env({ [name]: value });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as Error).message.split('\n').slice(1);
      // exactly one complaint, about that variable
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^\\s+${name}: \\S`));
    });
  }

  it('REGION=atlantis lists the regions there are', () => {
    expect(() => env({ REGION: 'atlantis' })).toThrow(/unknown region "atlantis"; one of: altay, inner-mongolia, wuhai, xinjiang/);
  });

  it('several wrong values are all named at once', () => {
    expect(() => env({ API_PORT: '0', SMTP_PORT: 'x' })).toThrow(/API_PORT:[\s\S]*SMTP_PORT:/);
  });
});

describe('region profiles', () => {
  const files = readdirSync(REGIONS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

  it('there is one profile per file: inner-mongolia, altay, xinjiang, wuhai', () => {
    expect(files).toEqual(['altay', 'inner-mongolia', 'wuhai', 'xinjiang']);
    expect(regionIds()).toEqual(files);
  });

  for (const id of ['altay', 'inner-mongolia', 'wuhai', 'xinjiang']) {
    it(`${id} loads through REGION, valid and consistent`, () => {
      const r = env({ REGION: id }).region;
      expect(r).toEqual(regionProfile(id));
      expect(r.id).toBe(id);
      expect(r.source).not.toBe('');
      // grade bands from 优 down to 差 ending at 0; evaluation weights add up to 100 points
      expect(r.evaluation.grades.map((g) => g.grade)).toEqual(['优', '良', '中', '差']);
      const mins = r.evaluation.grades.map((g) => g.minScore);
      expect([...mins].sort((a, b) => b - a)).toEqual(mins);
      expect(mins[mins.length - 1]).toBe(0);
      const w = r.evaluation.weights;
      expect(w.output + w.benefit + w.satisfaction + w.execution).toBe(100);
      // monitoring rounds in calendar order
      const cutoffs = r.monitoring.rounds.map((x) => x.cutoff);
      expect([...cutoffs].sort()).toEqual(cutoffs);
    });
  }

  it('Inner Mongolia (000, 002): new major projects above 5,000,000 yuan; rounds to end of April and July', () => {
    const r = regionProfile('inner-mongolia');
    expect(r.preAssessment.mandatoryAboveFen).toBe(500_000_000);
    expect(r.preAssessment.requiredForAll).toBe(false);
    expect(r.monitoring.rounds.map((x) => x.cutoff)).toEqual(['04-30', '07-31']);
  });

  it('Altay (001): key assessment by finance from 1,000,000 yuan', () => {
    expect(regionProfile('altay').preAssessment.keyAssessmentFromFen).toBe(100_000_000);
  });

  it('Xinjiang (003): monitoring cut at end of May and end of September; at least 10% spot checks', () => {
    const r = regionProfile('xinjiang');
    expect(r.monitoring.rounds.map((x) => x.cutoff)).toEqual(['05-31', '09-30']);
    expect(r.evaluation.spotCheck.sampleRate).toBeGreaterThanOrEqual(0.1);
  });

  it('Wuhai (004): every project asking for budget needs a pre-assessment', () => {
    expect(regionProfile('wuhai').preAssessment.requiredForAll).toBe(true);
  });
});

describe('routing of applications per region (routeApplication)', () => {
  const route = (region: string, yuan: number, isNew: boolean) => routeApplication({ amountFen: Math.round(yuan * 100), isNew }, regionProfile(region).preAssessment);

  it('Inner Mongolia: a 5,000,001-yuan new project goes to mandatory pre-assessment (key, by finance)', () => {
    expect(route('inner-mongolia', 5_000_001, true)).toBe('key');
  });
  it('Inner Mongolia: a 5,000,000-yuan new project does not ("above"): target review only', () => {
    expect(route('inner-mongolia', 5_000_000, true)).toBe('targetReview');
  });
  it('Inner Mongolia: a continuing 9,000,000-yuan project does not: target review only', () => {
    expect(route('inner-mongolia', 9_000_000, false)).toBe('targetReview');
  });
  it('Xinjiang (003): every project budget request needs a pre-assessment, no 5,000,000-yuan threshold', () => {
    expect([route('xinjiang', 5_000_001, true), route('xinjiang', 5_000_000, true), route('xinjiang', 9_000_000, false), route('xinjiang', 999_999.99, false)]).toEqual(['key', 'key', 'key', 'general']);
  });

  it('Wuhai: everything needs a pre-assessment — new or continuing, large or small; finance takes it from 1,000,000 yuan', () => {
    const cases: Array<[number, boolean, string]> = [
      [0.01, true, 'general'],
      [10_000, false, 'general'],
      [999_999.99, false, 'general'],
      [1_000_000, true, 'key'],
      [9_000_000, false, 'key'],
    ];
    for (const [yuan, isNew, expected] of cases) expect(route('wuhai', yuan, isNew), `${yuan} yuan ${isNew ? 'new' : 'continuing'}`).toBe(expected);
  });

  // Altay (001): every new project is pre-assessed: under 1,000,000 yuan a general assessment by the
  // department, 1,000,000 and above a key assessment organised by finance.
  it('Altay: a 1,000,000-yuan new project gets the key assessment by finance', () => {
    expect(route('altay', 1_000_000, true)).toBe('key');
  });
  it('Altay: a 999,999.99-yuan new project gets the general assessment by its department', () => {
    expect(route('altay', 999_999.99, true)).toBe('general');
  });
  it('Altay: a continuing project gets target review only', () => {
    expect(route('altay', 2_000_000, false)).toBe('targetReview');
  });
  it('Altay: a 1,000,000.01-yuan new project gets the key assessment', () => {
    expect(route('altay', 1_000_000.01, true)).toBe('key');
  });
});

describe('secrets and exposure outside development', () => {
  const STRONG = 'k7Vq2xR9mZ4pL8wN3bT6yH1cF5jD0sGa'; // 32 bytes
  const complaint = (e: Record<string, string>): string => {
    try {
      env(e);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('DEMO_USERS=false without JWT_SECRET does not start with the development secret', () => {
    expect(complaint({ DEMO_USERS: 'false' })).toMatch(/^\s+JWT_SECRET: required outside development/m);
  });

  it('NODE_ENV=production without JWT_SECRET does not start either', () => {
    expect(complaint({ NODE_ENV: 'production' })).toMatch(/^\s+JWT_SECRET: required outside development/m);
  });

  it('outside development the development secret itself is refused', () => {
    expect(complaint({ NODE_ENV: 'production', JWT_SECRET: 'jixiao-dev-secret-change-me-please' })).toMatch(/JWT_SECRET: .*development secret/);
  });

  it('outside development a secret needs at least 32 bytes', () => {
    expect(complaint({ DEMO_USERS: 'false', JWT_SECRET: 'only-twenty-chars-xx' })).toMatch(/JWT_SECRET: at least 32 bytes/);
    const c = env({ DEMO_USERS: 'false', NODE_ENV: 'production', JWT_SECRET: STRONG });
    expect(c.auth.jwtSecret).toBe(STRONG);
  });

  it('with OIDC no demo token is accepted, so no JWT_SECRET is needed, and none known is used', () => {
    const oidc = { DEMO_USERS: 'false', NODE_ENV: 'production', OIDC_JWKS_URL: 'https://idp.example/jwks', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'jixiao' };
    const a = env(oidc).auth;
    const b = env(oidc).auth;
    expect(a.jwtSecret).not.toBe('jixiao-dev-secret-change-me-please');
    expect(a.jwtSecret).not.toBe(b.jwtSecret);
    expect(Buffer.byteLength(a.jwtSecret)).toBeGreaterThanOrEqual(32);
  });

  it('development (the default, NODE_ENV=development or test) keeps the development secret', () => {
    for (const NODE_ENV of ['development', 'test']) expect(env({ NODE_ENV }).auth.jwtSecret).toBe(env({}).auth.jwtSecret);
  });

  it('API_HOST: 127.0.0.1 unless configured; a host name or address; not a URL', () => {
    expect(env({}).api.host).toBe('127.0.0.1');
    expect(env({ API_HOST: '0.0.0.0' }).api.host).toBe('0.0.0.0');
    expect(env({ API_HOST: '::' }).api.host).toBe('::');
    expect(env({ API_HOST: 'jixiao.internal' }).api.host).toBe('jixiao.internal');
    expect(complaint({ API_HOST: 'http://0.0.0.0:3000' })).toMatch(/^\s+API_HOST: /m);
  });
});

describe('OIDC configuration', () => {
  it('OIDC_JWKS_URL needs OIDC_ISSUER and OIDC_AUDIENCE', () => {
    expect(() => loadConfig({ OIDC_JWKS_URL: 'https://idp.example/jwks' } as NodeJS.ProcessEnv)).toThrow(/OIDC_ISSUER: required[\s\S]*OIDC_AUDIENCE: required/);
    expect(loadConfig({ OIDC_JWKS_URL: 'https://idp.example/jwks', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'jixiao' } as NodeJS.ProcessEnv).auth.oidcAudience).toBe('jixiao');
  });
});
