// OpenAPI 3.1 document of the finance data service, generated from the route table and the very zod
// schemas that validate requests, so the document cannot drift from the behaviour. Schemas are inlined:
// named components would need `.openapi()` on the contract schemas, which workflow code also imports.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from '../contracts/finance/finance.zod';
import { pathParams, routes } from './api';
import { FaultSettings } from './faults';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

export function openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const errors = {
    400: json(c.ErrorBody, 'VALIDATION: the request breaks the contract; `field` names the culprit'),
    404: json(c.ErrorBody, 'NOT_FOUND'),
    503: json(c.ErrorBody, 'UNAVAILABLE: maintenance or overload; retry with backoff'),
  };
  for (const [op, route] of Object.entries(routes)) {
    const inPath = pathParams(route.path);
    const shape: Record<string, z.ZodType> = route.input.shape;
    const part = (inside: boolean) => z.strictObject(Object.fromEntries(Object.entries(shape).filter(([k]) => inPath.includes(k) === inside)));
    const params = inPath.length ? part(true) : undefined;
    const rest = part(false);
    registry.registerPath({
      operationId: op,
      method: route.method,
      path: route.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: route.summary,
      request: {
        params,
        ...(route.method === 'get' ? { query: rest } : { body: { required: true, content: { 'application/json': { schema: rest } } } }),
      },
      responses: {
        200: json(route.output, route.method === 'post' ? 'Applied, or the stored result of the same idempotency key (header Idempotent-Replayed: true)' : 'OK'),
        ...errors,
        ...(route.method === 'post'
          ? {
              409: json(c.ErrorBody, 'CONFLICT_IDEMPOTENCY: the key was used with a different request'),
              422: json(c.ErrorBody, 'BUSINESS_RULE: rejected by a rule of the finance system; `rule` says which'),
            }
          : {}),
      },
    });
  }
  const faults = z.object({ settings: FaultSettings, counts: z.record(z.string(), z.number()) });
  registry.registerPath({ method: 'get', path: '/admin/faults', summary: 'Current fault injection', responses: { 200: json(faults, 'OK') } });
  registry.registerPath({
    method: 'put',
    path: '/admin/faults',
    summary: 'Set fault injection (missing fields reset to no fault)',
    request: { body: { content: { 'application/json': { schema: FaultSettings } } } },
    responses: { 200: json(faults, 'OK'), 400: errors[400] },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'jixiao finance data service (预算管理一体化系统 stand-in)',
      version: '1',
      description: 'Money in integer fen. Every POST carries idempotencyKey: the same key and body return the first result; the same key with another body is 409.',
    },
  });
}
