// The good and bad inputs every candidate must judge alike: the moves of
// test/contracts/schemas.test.ts and pre-assessment inputs around the same fixture as the tests.
import type { ParityCase } from './holder';

const actor = { userId: 'd01-reviewer', name: '陈静', groups: ['competent_reviewer@D01'], roles: ['competent_reviewer'] };
const profile = { requiredForAll: false, mandatoryAboveFen: 500000000, keyAssessmentFromFen: 100000000, reviewDueDays: 10, reminderBeforeDays: 2 };
const application = (over: Record<string, unknown> = {}) => ({
  projectCode: 'U0101-2027-1',
  name: '校园智慧教室改造项目',
  deptId: 'D01',
  unitId: 'U0101',
  amountFen: 600_000_000,
  industry: '教育',
  isNew: true,
  kind: 'project',
  year: 2027,
  indicators: [{ kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' }],
  ...over,
});
const input = (over: Record<string, unknown> = {}, app: Record<string, unknown> = {}) => ({ application: application(app), submittedBy: 'u0101-preparer', submittedByName: '王芳', profile, ...over });

export interface NamedCase extends ParityCase {
  name: string;
  /** A rule zod checks in code (refine, trim) that no JSON Schema carries: zod's verdict differs for every candidate. */
  zodOnly?: string;
}

const moves: Array<[string, unknown]> = [
  ['claim', { taskId: 't', actor, action: 'claim' }],
  ['decide, form and comment defaulted', { taskId: 't', actor, action: 'decide', outcome: 'pass' }],
  ['decide with form, comment null', { taskId: 't', actor, action: 'decide', outcome: 'pass', form: { a: 1 }, comment: null }],
  ['return', { taskId: 't', actor, action: 'return', reason: '补充材料' }],
  ['return, empty reason', { taskId: 't', actor, action: 'return', reason: '' }],
  ['transfer', { taskId: 't', actor, action: 'transfer', toUserId: 'd01-reviewer2', reason: '出差' }],
  ['transfer, bad user id', { taskId: 't', actor, action: 'transfer', toUserId: 'bad id!', reason: '出差' }],
  ['addSigner, bad position', { taskId: 't', actor, action: 'addSigner', userId: 'd01-head', position: 'sideways', reason: 'x' }],
  ['unknown action', { taskId: 't', actor, action: 'fly' }],
  ['empty taskId', { taskId: '', actor, action: 'claim' }],
  ['incomplete actor', { taskId: 't', actor: { userId: 'x' }, action: 'claim' }],
  ['urge without actor', { taskId: 't', action: 'urge', reason: 'x' }],
  ['not an object', 'not an object'],
];

export const CASES: NamedCase[] = [
  ...moves.map(([name, value]): NamedCase => ({ schema: 'TaskAction', name: `move: ${name}`, value })),
  { schema: 'PreAssessmentInput', name: 'input: defaults (maxRevisions, summary, core)', value: input() },
  { schema: 'PreAssessmentInput', name: 'input: all given', value: input({ maxRevisions: 3, reviewDueMs: 1000 }, { summary: '说明', indicators: [{ kind: 'output', category: '数量指标', name: '教室', target: '40', unit: '间', direction: '>=', core: true }] }) },
  { schema: 'PreAssessmentInput', name: 'input: maxRevisions 21', value: input({ maxRevisions: 21 }) },
  { schema: 'PreAssessmentInput', name: 'input: maxRevisions 2.5', value: input({ maxRevisions: 2.5 }) },
  { schema: 'PreAssessmentInput', name: 'input: reviewDueMs 0', value: input({ reviewDueMs: 0 }) },
  { schema: 'PreAssessmentInput', name: 'input: no indicators', value: input({}, { indicators: [] }) },
  { schema: 'PreAssessmentInput', name: 'input: indicator without direction', value: input({}, { indicators: [{ kind: 'output', category: '数量指标', name: '教室', target: '40' }] }) },
  { schema: 'PreAssessmentInput', name: 'input: kind other', value: input({}, { kind: 'other' }) },
  { schema: 'PreAssessmentInput', name: 'input: bad projectCode', value: input({}, { projectCode: 'bad id!' }) },
  { schema: 'PreAssessmentInput', name: 'input: amount -1', value: input({}, { amountFen: -1 }) },
  { schema: 'PreAssessmentInput', name: 'input: year as string', value: input({}, { year: '2027' }) },
  { schema: 'PreAssessmentInput', name: 'input: no submittedBy', value: { application: application(), submittedByName: '王芳', profile } },
  { schema: 'PreAssessmentInput', name: 'input: name of one astral character (2 UTF-16 units, min 2)', value: input({}, { name: '𠀀' }) },
  { schema: 'PreAssessmentInput', name: 'input: null', value: null },
  { schema: 'PreAssessmentInput', name: 'input: amount 0', value: input({}, { amountFen: 0 }), zodOnly: 'refine: amount must be positive' },
  { schema: 'PreAssessmentInput', name: 'input: no output indicator', value: input({}, { indicators: [{ kind: 'benefit', category: '社会效益指标', name: '满意', target: '90', direction: '>=' }] }), zodOnly: 'refine: an output indicator' },
];

/** What `hold` gets: a valid pre-assessment input and a valid move (with defaults to fill). */
export const HOLD_INPUT = { preAssessment: input(), action: { taskId: 't', actor, action: 'decide', outcome: 'pass' } };
