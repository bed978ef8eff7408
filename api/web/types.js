// @ts-check
// Types of the web app, as JSDoc (the app is plain ES modules, type-checked by `npm run typecheck`:
// tsc -p api/web). The API answers are the shapes /openapi.json describes, written down here for
// the parts the web app reads; the process module's shape is what the shell asks of a process.
export {};

/** @typedef {{ zh: string, en: string }} Label  a text in both languages */
/** @typedef {Record<string, Label>} Strings  a string table: key → {zh, en} */
/** @typedef {Record<string, Strings>} Vocab  domain vocabularies: vocabulary → key → {zh, en} */

/**
 * GET /api/process-types: one row per process of the registry.
 * @typedef {object} ProcessInfo
 * @property {string} name
 * @property {Label} label
 * @property {Record<string, Label>} stages
 * @property {Record<string, Label>} conclusions
 * @property {string[]} taskTypes
 * @property {Array<'hand' | 'schedule' | 'process'>} startedBy
 * @property {string | null} web  the URL of its web module (api/web/<name>/index.js), or null
 */

/**
 * GET /api/task-types: a task type with its outcomes and each outcome's form (JSON Schema).
 * @typedef {object} TaskType
 * @property {string} type
 * @property {string} process
 * @property {Label} label
 * @property {Outcome[]} outcomes
 * @property {string[]} [bulkOutcomes]  the outcomes a lead may take in bulk (none: not decided in bulk)
 */
/**
 * @typedef {object} Outcome
 * @property {string} key
 * @property {Label} label
 * @property {'default' | 'primary' | 'danger' | string} style
 * @property {JsonSchema} schema
 */
/** @typedef {{ type?: string | string[], properties?: Record<string, JsonSchema>, required?: string[], items?: JsonSchema, enum?: unknown[], anyOf?: JsonSchema[], oneOf?: JsonSchema[], default?: unknown, minimum?: number, maximum?: number, exclusiveMinimum?: number, minLength?: number, maxLength?: number, minItems?: number, nullable?: boolean }} JsonSchema */

/**
 * GET /api/me
 * @typedef {object} Me
 * @property {string} id
 * @property {string} name
 * @property {string} orgId
 * @property {string | null} [deptId]
 * @property {string[]} roles
 * @property {string[]} [groups]
 * @property {string[]} permissions
 */

/**
 * A row of GET /api/tasks.
 * @typedef {object} TaskSummary
 * @property {string} id
 * @property {string} type
 * @property {string} process
 * @property {string} title
 * @property {'open' | 'completed' | 'cancelled'} status
 * @property {number} priority
 * @property {string} dueAt
 * @property {string} createdAt
 * @property {number} version
 * @property {boolean} overdue
 * @property {boolean} escalated
 * @property {string | null} [claimedBy]
 * @property {string | null} [submittedBy]
 * @property {string | null} [unitId]
 * @property {string | null} [deptId]
 * @property {string | null} [projectCode]
 * @property {string | null} [projectName]
 * @property {number | null} [amountFen]
 * @property {boolean} [bulkApprovable]
 * @property {string[]} [actors]
 * @property {string | null} [outcome]
 * @property {QueuedDecisionMark | null} [queuedDecision]  a decision queued on it that its process has not applied yet (or mine, refused)
 */

/**
 * A task's queued decision (TaskSummary.queuedDecision): waiting for its process, or (mine) refused.
 * @typedef {object} QueuedDecisionMark
 * @property {string} decisionId  GET /api/decisions/:id (its maker's)
 * @property {'queued' | 'refused'} status
 * @property {string} action
 * @property {string | null} outcome
 * @property {{ userId: string, name: string }} by
 * @property {string} acceptedAt
 * @property {string | null} settledAt
 * @property {{ type: string, message: string } | null} error  why its process refused it
 */

/**
 * A task's project reference (spec.project).
 * @typedef {{ id?: string, name?: string, code?: string, amountFen?: number, deptId?: string, unitId?: string }} ProjectRef
 */

/**
 * GET /api/tasks/:id
 * @typedef {object} TaskDetail
 * @property {TaskSummary} task
 * @property {{ spec?: { context?: Record<string, unknown>, project?: ProjectRef, returnTargets?: Array<{ step: string, label: string }> }, draft?: Record<string, unknown> | null, signers?: Array<{ userId?: string | null, candidateGroups: string[], status: string }>, urges?: number, lastUrgedAt?: string | null } | null} state
 * @property {TaskType | null} type
 * @property {string[]} [allowedMoves]
 * @property {Array<{ action: string, at: string, actorId?: string, actorName?: string, reason?: string | null, detail?: Record<string, any> | null }>} [history]
 * @property {Array<{ id?: number | string, body: string, at: string, authorId?: string, authorName?: string }>} [comments]
 * @property {Array<{ id: string, filename: string, size: number, at?: string }>} [attachments]
 */

/** @typedef {{ stale: () => boolean }} ViewContext  a view stops drawing once stale() (the user navigated on) */
/** @typedef {void | (() => void)} Cleanup  what a view returns: called when the user navigates away */

/**
 * A process's start page (e.g. 项目申报), shown in the navigation to users with the permission.
 * @typedef {object} StartPage
 * @property {string} route  its hash route, `#/<route>`
 * @property {Label} label
 * @property {string} permission
 * @property {(main: HTMLElement, ctx: ViewContext) => Promise<Cleanup>} view
 */

/**
 * What a task page hands a process's context panel.
 * @typedef {object} ContextArgs
 * @property {Record<string, unknown>} context  the task's spec.context, as the workflow gave it
 * @property {ProjectRef | undefined} project
 * @property {Map<string, string>} orgNames
 */

/**
 * What api/web/<process>/index.js exports (every part optional).
 * @typedef {object} ProcessWebModule
 * @property {Strings} [strings]  its UI strings
 * @property {Vocab} [vocab]  its fields, enum values, audit actions, … (merged into the shell's)
 * @property {Array<[RegExp, (...m: string[]) => string]>} [messages]  its validators' English messages in Chinese
 * @property {StartPage} [start]
 * @property {(args: ContextArgs) => Node | null} [contextPanel]  the task page's project card
 * @property {(context: Record<string, unknown>, schema: JsonSchema) => Record<string, unknown>} [prefill]  a decision form's starting values
 * @property {(context: Record<string, unknown>, schema: JsonSchema) => JsonSchema} [formSchema]  a decision form narrowed to the task (e.g. the region's points per aspect)
 * @property {{ title: Label, render: (el: HTMLElement, ctx: { stale: () => boolean }) => Promise<void> }} [dashboardPanel]  its card on the dashboard (pre-assessment: the figures finance reports)
 * @property {(unitId: string) => Promise<Node | null>} [unitPanel]  what it holds against a unit, shown on every task page of the unit's projects (rectification: open problems for the budget request)
 */

/** @typedef {ProcessInfo & { module: ProcessWebModule | null }} WebProcess */
