// @ts-check
// A task's queued decision as the inbox shows it (the API's `queuedDecision` on a list row and on
// the task page): submitted and being applied by its process (已提交，处理中), or — to its maker —
// refused, with the reason. The list marks its rows; the task page locks its form until it is
// applied, and shows a refusal so that the officer decides again.
import { localMessage } from './api.js';
import { fmtTime, h } from './dom.js';
import { L, t } from './i18n.js';

/** How often a page re-reads the decisions it shows as queued (live.js: shorter in tests). */
export const QUEUED_POLL_MS = 2_000;

/**
 * @typedef {import('./types.js').QueuedDecisionMark} QueuedDecision
 */

/**
 * The name of an outcome of a task type, in the current language.
 * @param {import('./types.js').TaskType | null | undefined} type @param {string | null} key
 */
export const outcomeName = (type, key) => (key ? L(type?.outcomes?.find((o) => o.key === key)?.label, key) : '');

/** The refusal's reason, in Chinese when the page is. @param {QueuedDecision} d */
export const refusalReason = (d) => localMessage(d.error?.message ?? '');

/**
 * The tag a list row shows for its queued decision.
 * @param {QueuedDecision} d @param {import('./types.js').TaskType | null | undefined} type @param {(userId: string) => string} who
 */
export function queuedTag(d, type, who) {
  const outcome = outcomeName(type, d.outcome);
  if (d.status === 'refused') return h('span.tag.danger.decision-refused', { title: refusalReason(d), dataset: { decision: d.decisionId } }, t('tag_decision_refused', { outcome }));
  return h('span.tag.info.decision-queued', { title: t('tag_decision_queued_by', { who: who(d.by.userId) || d.by.name, at: fmtTime(d.acceptedAt) }), dataset: { decision: d.decisionId } }, t('tag_decision_queued', { outcome }));
}

/**
 * The task page's note of a decision waiting for its process, with a button to look again now.
 * @param {QueuedDecision} d @param {import('./types.js').TaskType | null | undefined} type @param {(userId: string) => string} who @param {() => void} refresh
 */
export function queuedNote(d, type, who, refresh) {
  return h(
    'div.notice.decision-queued-note',
    { role: 'status', dataset: { decision: d.decisionId } },
    h('p', h('strong', t('decision_queued_title'))),
    h('p', t('decision_queued_body', { who: who(d.by.userId) || d.by.name, at: fmtTime(d.acceptedAt), outcome: outcomeName(type, d.outcome) })),
    h('button.btn.small.decision-refresh', { type: 'button', onclick: refresh }, t('decision_queued_refresh')),
  );
}

/**
 * The task page's note of my decision that its process refused: why, and that the form is mine again.
 * @param {QueuedDecision} d @param {import('./types.js').TaskType | null | undefined} type
 */
export function refusedNote(d, type) {
  return h(
    'div.notice.warn.decision-refused-note',
    { role: 'alert', dataset: { decision: d.decisionId } },
    h('p', h('strong', t('decision_refused_title'))),
    h('p.decision-reason', t('decision_refused_body', { at: fmtTime(d.acceptedAt), outcome: outcomeName(type, d.outcome), reason: refusalReason(d) })),
    h('p', t('decision_refused_again')),
  );
}
