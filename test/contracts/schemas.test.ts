// Workflow code validates with JSON Schemas generated from the zod contracts: the file must be
// current, and the small validator must accept and refuse what zod accepts and refuses.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { staleSchemaFiles } from '../../scripts/genSchemas';
import { check, SCHEMAS, validateDecision } from '../../contracts/humanTask/schemas';
import { PRE_ASSESSMENT_TYPES } from '../../contracts/preAssessment/schemas';
import { TaskAction, TaskSpec } from '../../contracts/humanTask/tasks.zod';
import { ReviewTask } from '../../contracts/preAssessment/application.zod';
import { aspects } from '../helpers/fixtures';
import type { JsonSchema } from '../../contracts/jsonSchema';

const actor = { userId: 'd01-reviewer', name: '陈静', groups: ['competent_reviewer@D01'], roles: ['competent_reviewer'] };

describe('generated JSON Schemas', () => {
  it('every contracts/*/schemas.generated.ts is what the zod contracts generate (run npm run gen:schemas)', () => {
    expect(staleSchemaFiles()).toEqual([]);
  });

  const moves: unknown[] = [
    { taskId: 't', actor, action: 'claim' },
    { taskId: 't', actor, action: 'decide', outcome: 'pass' },
    { taskId: 't', actor, action: 'decide', outcome: 'pass', form: { a: 1 }, comment: null },
    { taskId: 't', actor, action: 'return', reason: '补充材料' },
    { taskId: 't', actor, action: 'return', reason: '' },
    { taskId: 't', actor, action: 'transfer', toUserId: 'd01-reviewer2', reason: '出差' },
    { taskId: 't', actor, action: 'transfer', toUserId: 'bad id!', reason: '出差' },
    { taskId: 't', actor, action: 'addSigner', userId: 'd01-head', position: 'sideways', reason: 'x' },
    { taskId: 't', actor, action: 'fly' },
    { taskId: '', actor, action: 'claim' },
    { taskId: 't', actor: { userId: 'x' }, action: 'claim' },
    { taskId: 't', action: 'urge', reason: 'x' },
    'not an object',
  ];
  it.each(moves.map((m, i) => [i, m]))('move %i: the same verdict and defaults as zod', (_i, m) => {
    const z = TaskAction.safeParse(m);
    const j = check(SCHEMAS.TaskAction, m);
    expect(j.ok).toBe(z.success);
    if (z.success && j.ok) expect(j.value).toEqual(z.data);
  });

  it('checking a move leaves the caller\'s value as it was (defaults go into the copy it returns)', () => {
    for (const m of moves) {
      const before = JSON.stringify(m);
      check(SCHEMAS.TaskAction, m);
      expect(JSON.stringify(m)).toBe(before);
    }
  });

  it('a union whose branches carry no tag: the first branch that fits gives the value, with its defaults', () => {
    const u: JsonSchema = { anyOf: [
      { type: 'object', properties: { kind: { type: 'string' }, n: { type: 'integer', minimum: 5 } }, required: ['n'] },
      { type: 'object', properties: { n: { type: 'integer' }, note: { type: 'string', default: '无' } }, required: ['n'] },
      { type: 'object', properties: { kind: { const: 'x' }, n: { type: 'integer' } }, required: ['kind'] },
    ] };
    const zu = z.union([z.object({ kind: z.string().optional(), n: z.number().int().min(5) }), z.object({ n: z.number().int(), note: z.string().default('无') }), z.object({ kind: z.literal('x'), n: z.number().int().optional() })]);
    for (const v of [{ n: 7 }, { n: 1 }, { kind: 'x' }, { kind: 'y' }, { kind: 'y', n: 9 }, {}]) {
      const j = check(u, v);
      const zr = zu.safeParse(v);
      expect(j.ok, JSON.stringify(v)).toBe(zr.success);
      if (j.ok && zr.success) expect(j.value).toEqual(zr.data);
    }
  });

  it('a union inside a union: a branch that fills its defaults and then fails leaves none behind for the next branch, and a tagged branch reports its own issues', () => {
    // a project's "outcome" as a tagged shape ('one') with a nested tagged union, or any kind with a bare amount
    const inner: JsonSchema = { anyOf: [
      { type: 'object', properties: { t: { const: 'x' }, a: { type: 'string' }, d: { type: 'integer', default: 1 } }, required: ['t', 'a'], additionalProperties: false },
      { type: 'object', properties: { t: { const: 'y' }, c: { type: 'string' }, e: { type: 'integer', default: 2 } }, required: ['t', 'c'], additionalProperties: false },
    ] };
    const u: JsonSchema = { anyOf: [
      { type: 'object', properties: { kind: { const: 'one' }, inner }, required: ['kind', 'inner'], additionalProperties: false },
      { type: 'object', properties: { kind: { type: 'string' }, inner: { type: 'object', properties: { t: { type: 'string' }, b: { type: 'integer' } }, required: ['b'], additionalProperties: false } }, required: ['kind', 'inner'], additionalProperties: false },
      // no tag, and nothing but defaults: the last candidate of an untagged union
      { type: 'object', properties: { note: { type: 'string', default: '无' }, n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
    ] };
    const zInner = z.union([z.strictObject({ t: z.literal('x'), a: z.string(), d: z.number().int().default(1) }), z.strictObject({ t: z.literal('y'), c: z.string(), e: z.number().int().default(2) })]);
    const zu = z.union([
      z.strictObject({ kind: z.literal('one'), inner: zInner }),
      z.strictObject({ kind: z.string(), inner: z.strictObject({ t: z.string().optional(), b: z.number().int() }) }),
      z.strictObject({ note: z.string().default('无'), n: z.number().int() }),
    ]);
    const values = [
      { kind: 'one', inner: { t: 'y', c: '补' } }, // the tagged branch, its nested default filled
      { kind: 'one', inner: { t: 'y', b: 2 } }, // the tagged branch fills e and fails; the next must not see e
      { kind: 'one', inner: { t: 'x', b: 2 } },
      { kind: 'two', inner: { b: 3 } },
      { kind: 'one', inner: { t: 'y', e: 'no' } },
      { n: 4 },
      { n: 'four' }, // fails in the last, untagged candidate after it filled note
      { kind: 'one', n: 4 },
    ];
    for (const v of values) {
      const before = JSON.stringify(v);
      const j = check(u, v);
      const zr = zu.safeParse(v);
      expect(j.ok, before).toBe(zr.success);
      if (j.ok && zr.success) expect(j.value, before).toEqual(zr.data);
      expect(JSON.stringify(v)).toBe(before);
    }
    expect(check(u, { kind: 'one', inner: { t: 'y', b: 2 } })).toEqual({ ok: true, value: { kind: 'one', inner: { t: 'y', b: 2 } } });
    // failing everywhere: the issues of the branch the tag names, down to the nested branch its tag names
    expect(check(u, { kind: 'one', inner: { t: 'y', e: 'no' } })).toEqual({ ok: false, issues: [{ path: 'inner.c', message: 'required' }, { path: 'inner.e', message: 'expected integer, got string' }] });
    // the untagged last candidate (note's default) is tried on a copy when the tagged branch is walked after it
    expect(check(u, { kind: 'one', n: 4 })).toEqual({ ok: false, issues: [{ path: 'inner', message: 'required' }, { path: 'n', message: 'not allowed' }] });
    expect(check(u, { n: 'four' })).toEqual({ ok: false, issues: [{ path: '', message: 'does not match any allowed shape' }] });
  });

  it('an item\'s issue is named by its path: list items by their index', () => {
    const byKey: JsonSchema = { type: 'object', additionalProperties: { type: 'array', items: { type: 'integer' } } };
    expect(check(byKey, { scores: [1, 'x'] })).toEqual({ ok: false, issues: [{ path: 'scores.1', message: 'expected integer, got string' }] });
    expect(check({ type: 'array', items: { type: 'integer' } }, ['x'])).toEqual({ ok: false, issues: [{ path: '0', message: 'expected integer, got string' }] });
  });

  it('a task spec gets the same defaults as zod gives it', () => {
    const spec = { key: 'review-0', type: 'preAssessment.review', title: '审核', dueInMs: 1000 };
    const j = check(SCHEMAS.TaskSpec, spec);
    expect(j.ok && j.value).toEqual(TaskSpec.parse(spec));
    expect(check(SCHEMAS.TaskSpec, { ...spec, dueInMs: -1 }).ok).toBe(false);
    expect(check(SCHEMAS.TaskSpec, { ...spec, escalation: { afterMs: 0, to: { head: true }, lateDecision: 'never' } }).ok).toBe(false);
  });

  it('string lengths count characters as zod does: a one-character name of a rare CJK character (𠀀) is too short for two', () => {
    const name = { type: 'string', minLength: 2, maxLength: 3 } as const;
    for (const v of ['𠀀', '𠀀𠀀', '𠀀𠀀𠀀', '𠀀𠀀𠀀𠀀', '校园']) expect(check(name, v).ok, v).toBe(z.string().min(2).max(3).safeParse(v).success);
  });

  it('decision forms: the five-aspect review is checked as zod checks it', () => {
    const def = PRE_ASSESSMENT_TYPES['preAssessment.review'];
    const forms = [{ aspects: aspects(18) }, {}, { aspects: { ...aspects(18), economy: { score: 25, finding: 'x' } } }, { aspects: { ...aspects(18), targets: { score: 10, finding: '' } } }];
    for (const f of forms) expect(validateDecision(def, 'pass', f).ok).toBe(ReviewTask.outcomes.pass.form.safeParse(f).success);
    const r = validateDecision(def, 'passReduced', { aspects: aspects(18) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([{ field: 'form.approvedAmountFen', message: 'required' }]);
    expect(validateDecision(def, 'maybe', {})).toEqual({ ok: false, errors: [{ field: 'outcome', message: 'must be one of: pass, passReduced, fail' }] });
  });
});
