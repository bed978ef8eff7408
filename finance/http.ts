// HTTP plumbing of the stand-in: zod validation that names the field, and JSON errors for everything
// (malformed JSON, unknown routes, business rules), so bad input never turns into a 500.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ErrorBody } from '../contracts/finance/finance.zod';
import { FinanceError, FinanceValidationError } from './errors';

/** Parses input or throws a 400 naming the first offending field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = [...issue.path.map(String), ...keys.slice(0, 1)].join('.') || undefined;
  const what = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new FinanceValidationError(field ? `${field}: ${what}` : what, field);
}

export function notFound(req: Request, res: Response): void {
  const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.path}` } };
  res.status(404).json(body);
}

/** NUL cannot be stored in PostgreSQL text: refuse it with the field named, before any handler runs. */
export function rejectNul(req: Request, res: Response, next: NextFunction): void {
  const find = (v: unknown, path: string): string | null => {
    if (typeof v === 'string') return v.includes('\u0000') ? path : null;
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const hit = find(x, path ? `${path}.${k}` : k);
        if (hit) return hit;
      }
    }
    return null;
  };
  const field = find({ query: req.query, body: req.body }, '');
  if (!field) return next();
  const body: ErrorBody = { error: { code: 'VALIDATION', message: `${field}: must not contain NUL characters`, field } };
  res.status(400).json(body);
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof FinanceError) {
      res.status(err.status).json(err.toBody());
      return;
    }
    // body-parser errors (malformed JSON, too large, bad charset) carry a 4xx status.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (err as { type?: string }).type;
      const message = type === 'entity.parse.failed' ? 'body: malformed JSON' : `body: ${(err as Error).message}`;
      const body: ErrorBody = { error: { code: 'VALIDATION', message, field: 'body' } };
      res.status(status === 413 ? 413 : 400).json(body);
      return;
    }
    // a value PostgreSQL refuses (data exception, class 22) is the request's fault
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
      const body: ErrorBody = { error: { code: 'VALIDATION', message: (err as Error).message } };
      res.status(400).json(body);
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'finance request failed');
    const body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error' } };
    res.status(500).json(body);
  };
}
