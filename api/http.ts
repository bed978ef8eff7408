// Routes declared once: the same zod schemas validate requests and generate /openapi.json.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

export function zodToHttp(err: z.ZodError, where: string): HttpError {
  const details = err.issues.map((i) => ({ field: [where, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
  return new HttpError(400, 'VALIDATION', details.map((d) => `${d.field}: ${d.message}`).join('; '), details[0]?.field, details);
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface RouteDef<P extends ZodType, Q extends ZodType, B extends ZodType, Ctx> {
  method: Method;
  /** Express-style path, e.g. /api/tasks/:id */
  path: string;
  summary: string;
  tags: string[];
  /** false for public routes; otherwise the request needs a valid bearer token. */
  auth: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response?: ZodType;
  status?: number;
  handler: (input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; ctx: Ctx; req: Request; res: Response }) => Promise<unknown>;
}

export interface Api<Ctx> {
  router: Router;
  registry: OpenAPIRegistry;
  route<P extends ZodType = z.ZodObject, Q extends ZodType = z.ZodObject, B extends ZodType = z.ZodObject>(def: RouteDef<P, Q, B, Ctx>): void;
  /** A route whose body is not JSON (uploads); documented, validated by its own handler. */
  raw(def: { method: Method; path: string; summary: string; tags: string[]; auth: boolean; middleware: RequestHandler[]; requestBody?: Record<string, unknown>; handler: (req: Request, res: Response, ctx: Ctx) => Promise<unknown> }): void;
}

export function createApi<Ctx>(authenticate: (req: Request) => Promise<Ctx>): Api<Ctx> {
  const router = express.Router();
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const oaPath = (p: string): string => p.replace(/:(\w+)/g, '{$1}');
  const errors = (auth: boolean) => ({
    400: { description: 'Invalid request (the field and the reason)', content: { 'application/json': { schema: ErrorBody } } },
    ...(auth ? { 401: { description: 'Not authenticated', content: { 'application/json': { schema: ErrorBody } } }, 403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorBody } } } } : {}),
  });
  const wrap =
    (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    (req: Request, res: Response, next: NextFunction) => {
      fn(req, res).catch(next);
    };

  return {
    router,
    registry,
    route(def) {
      registry.registerPath({
        method: def.method,
        path: oaPath(def.path),
        summary: def.summary,
        tags: def.tags,
        security: def.auth ? [{ bearer: [] }] : [],
        request: {
          ...(def.params ? { params: def.params as never } : {}),
          ...(def.query ? { query: def.query as never } : {}),
          ...(def.body ? { body: { content: { 'application/json': { schema: def.body } } } } : {}),
        },
        responses: {
          [def.status ?? 200]: {
            description: 'OK',
            ...(def.response ? { content: { 'application/json': { schema: def.response } } } : {}),
          },
          ...errors(def.auth),
        },
      });
      router[def.method](
        def.path,
        wrap(async (req, res) => {
          const ctx = def.auth ? await authenticate(req) : (undefined as Ctx);
          const parse = <S extends ZodType>(s: S | undefined, v: unknown, where: string): z.output<S> => {
            if (!s) return v as z.output<S>;
            const r = s.safeParse(v ?? {});
            if (!r.success) throw zodToHttp(r.error, where);
            return r.data;
          };
          rejectUnstorable({ params: req.params, query: req.query, body: req.body });
          const params = parse(def.params, req.params, 'params');
          const query = parse(def.query, req.query, 'query');
          const body = parse(def.body, req.body, 'body');
          const out = await def.handler({ params, query, body, ctx, req, res });
          if (res.headersSent) return;
          res.status(def.status ?? 200).json(out);
        }),
      );
    },
    raw(def) {
      registry.registerPath({
        method: def.method,
        path: oaPath(def.path),
        summary: def.summary,
        tags: def.tags,
        security: def.auth ? [{ bearer: [] }] : [],
        request: {
          ...(pathParams(def.path) ? { params: pathParams(def.path) as never } : {}),
          ...(def.requestBody ? { body: def.requestBody as never } : {}),
        },
        responses: { 200: { description: 'OK' }, ...errors(def.auth) },
      });
      router[def.method](
        def.path,
        ...def.middleware,
        wrap(async (req, res) => {
          const ctx = def.auth ? await authenticate(req) : (undefined as Ctx);
          rejectUnstorable({ params: req.params, query: req.query });
          const out = await def.handler(req, res, ctx);
          if (!res.headersSent) res.json(out);
        }),
      );
    },
  };
}

/** How deep a request may nest (body.form.… is a few levels; the request itself counts as one). */
export const MAX_DEPTH = 32;

/**
 * Refuses, with the field named, what must not go further: text PostgreSQL cannot store — NUL, and a
 * lone UTF-16 surrogate (no Unicode character: text and jsonb refuse it, 22P02/22021, so a workflow
 * holding one could never be projected) — in values and in keys; and nesting deeper than MAX_DEPTH.
 * One walk over params, query and body, iterative (breadth first): no depth overflows the stack.
 */
export function rejectUnstorable(input: Record<string, unknown>): void {
  const queue: Array<[value: unknown, path: string, level: number]> = Object.entries(input).map(([k, v]) => [v, k, 1]);
  for (let i = 0; i < queue.length; i++) {
    const [v, path, level] = queue[i];
    queue[i] = [undefined, '', 0]; // let what was walked go
    if (typeof v === 'string') {
      checkText(v, path);
    } else if (v && typeof v === 'object') {
      if (level > MAX_DEPTH) throw new HttpError(400, 'TOO_DEEP', `${path}: nested deeper than ${MAX_DEPTH} levels`, path);
      for (const [k, x] of Object.entries(v)) {
        const at = `${path}.${k.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATES, escapeChar)}`;
        checkText(k, at, 'its name');
        queue.push([x, at, level + 1]);
      }
    }
  }
}

const LONE_SURROGATES = /\p{Cs}/gu;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function checkText(s: string, path: string, what = 'it'): void {
  if (s.includes('\u0000')) throw new HttpError(400, 'VALIDATION', `${path}: must not contain NUL characters${what === 'it' ? '' : ` (in ${what})`}`, path);
  // in a u-mode regex a proper pair is one code point: only lone surrogates match
  if (/\p{Cs}/u.test(s)) throw new HttpError(400, 'VALIDATION', `${path}: ${what === 'it' ? '' : `${what} `}contains a lone UTF-16 surrogate (not a Unicode character)`, path);
}

/** OpenAPI path parameters of an express path, for routes without a params schema. */
function pathParams(path: string) {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

export function openApiDocument(registry: OpenAPIRegistry, info: { title: string; version: string; description: string }) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info });
}

/** JSON 400 for malformed bodies, JSON errors for everything; 500 only for real faults, logged. */
export function errorHandler(log: { error: (o: object, m: string) => void }) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    void _next;
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string; code?: string; field?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'MALFORMED_JSON', message: `request body is not valid JSON: ${e.message}`, field: 'body' } });
      return;
    }
    if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') {
      res.status(413).json({ error: { code: 'TOO_LARGE', message: e.message ?? 'too large', field: e.field ?? 'body' } });
      return;
    }
    // a value PostgreSQL refuses (data exception, class 22): the request's fault, not ours
    if (typeof e?.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) {
      res.status(400).json({ error: { code: 'INVALID_VALUE', message: e.message ?? 'invalid value' } });
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'BAD_REQUEST', message: e.message ?? 'bad request' } });
      return;
    }
    log.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error; it has been logged' } });
  };
}
