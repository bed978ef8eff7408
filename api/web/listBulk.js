// @ts-check
// Bulk approval (批量审批) on the task list, for leads: a tick per bulk-approvable row, "select all on
// this page", the count, the button, a preview of what will be decided (project, amount, outcome) to
// confirm, and the result per task (decided, or refused with the reason). Only the outcomes the task
// type's manifest allows in bulk are offered (GET /api/task-types: bulkOutcomes); the server re-checks.
import { localMessage, post } from './api.js';
import { h, modal, toast, yuan } from './dom.js';
import { outcomePicker } from './form.js';
import { L, t } from './i18n.js';

/** @typedef {import('./types.js').TaskSummary} TaskSummary */

/**
 * @param {object} o
 * @param {HTMLElement} o.tbody  the list's rows
 * @param {Map<string, import('./types.js').TaskType>} o.types
 * @param {Set<string>} o.myKeys  my id and my groups: a row is tickable when I am among its actors
 * @param {() => boolean} o.stale
 * @param {() => Promise<unknown>} o.reload  after approving: fresh counts and rows
 */
export function bulkApproval({ tbody, types, myKeys, stale, reload }) {
  /** @param {string} ty */
  const typeName = (ty) => L(types.get(ty)?.label, ty);
  /** @param {string} ty */
  const bulkOutcomes = (ty) => types.get(ty)?.bulkOutcomes ?? [];
  /** @type {Map<string, TaskSummary>} id → task, the rows ticked */
  const chosen = new Map();
  /** @type {Map<string, TaskSummary>} id → task, the rows on the page */
  const shown = new Map();
  const allBox = /** @type {HTMLInputElement} */ (h('input.bulk-all', { type: 'checkbox', id: 'bulk-all', 'aria-label': t('bulk_select_all'), title: t('bulk_select_all') }));
  const count = h('span.bulk-count', { 'aria-live': 'polite' });
  const button = /** @type {HTMLButtonElement} */ (h('button.btn.primary.small', { type: 'button', id: 'bulk-approve', disabled: true, onclick: () => approve() }, t('bulk_approve')));
  const msg = h('p.bulk-msg', { role: 'alert', hidden: true });
  const bar = h('div.bulk-bar', { hidden: true }, h('label.bulk-all-label', { for: 'bulk-all' }, t('bulk_select_all')), count, button, msg);
  const result = h('div.notice.bulk-result', { role: 'status', tabindex: '-1', hidden: true });

  const rowBoxes = () => /** @type {HTMLInputElement[]} */ ([...tbody.querySelectorAll('input.row-check')]);
  /** @param {HTMLInputElement} box @param {boolean} on */
  function setChecked(box, on) {
    box.checked = on;
    box.closest('tr')?.classList.toggle('checked', on);
    const task = shown.get(box.dataset.id);
    if (on && task) chosen.set(task.id, task);
    else chosen.delete(box.dataset.id);
  }
  function sync() {
    const boxes = rowBoxes();
    const n = chosen.size;
    count.textContent = t('bulk_selected', { n });
    button.disabled = n === 0;
    allBox.disabled = boxes.length === 0;
    allBox.checked = n > 0 && boxes.every((b) => b.checked);
    allBox.indeterminate = n > 0 && !allBox.checked;
    bar.hidden = boxes.length === 0;
    msg.hidden = true; // a message about the last attempt no longer applies to a new selection
  }
  /** Ticks or unticks a row's box. @param {HTMLInputElement | null | undefined} box */
  function toggle(box) {
    if (!box) return;
    setChecked(box, !box.checked);
    sync();
  }
  allBox.addEventListener('change', () => {
    for (const box of rowBoxes()) setChecked(box, allBox.checked);
    sync();
  });

  /** The tick box of a row (null when the task cannot be approved in bulk by me). @param {TaskSummary} task */
  function rowBox(task) {
    shown.set(task.id, task);
    // a task whose decision is queued waits for it: deciding it again would be refused
    const selectable = task.bulkApprovable === true && bulkOutcomes(task.type).length > 0 && task.status === 'open' && task.queuedDecision?.status !== 'queued' && (task.actors ?? []).some((a) => myKeys.has(a));
    if (!selectable) return null;
    const box = /** @type {HTMLInputElement} */ (h('input.row-check', { type: 'checkbox', 'aria-label': t('bulk_select_row', { title: task.title }), dataset: { id: task.id } }));
    box.addEventListener('change', () => (setChecked(box, box.checked), sync()));
    return box;
  }
  /** Forgets the rows (the list is reloaded). */
  function reset() {
    chosen.clear();
    shown.clear();
  }

  async function approve() {
    const items = [...chosen.values()];
    if (!items.length) return;
    /** @param {string} text */
    const say = (text) => {
      msg.textContent = text;
      msg.hidden = false;
    };
    msg.hidden = true;
    const kinds = [...new Set(items.map((x) => x.type))];
    if (kinds.length > 1) return say(t('bulk_mixed', { n: kinds.length }));
    const allowed = bulkOutcomes(kinds[0]);
    const outcomes = (types.get(kinds[0])?.outcomes ?? []).filter((o) => allowed.includes(o.key));
    if (!outcomes.length) return say(t('bulk_no_outcome', { type: typeName(kinds[0]) }));

    let outcome = outcomes[0].key;
    /** @param {string} key */
    const outcomeLabel = (key) => L(outcomes.find((o) => o.key === key)?.label, key);
    /** the preview's outcome cells, which follow the picker */
    const outcomeCells = items.map(() => h('td.bulk-item-outcome', outcomeLabel(outcome)));
    const picker =
      outcomes.length > 1
        ? outcomePicker(outcomes, outcome, (o) => ((outcome = o.key), outcomeCells.forEach((c) => (c.textContent = outcomeLabel(outcome)))), 'bulk-outcome')
        : h('p.bulk-outcome', t('task_outcome'), '：', h('strong', outcomeLabel(outcome)));
    const comment = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'bulk-comment', name: 'comment', rows: 3, maxlength: 2000 }));
    const n = items.length;
    const preview = h(
      'table.data.bulk-preview',
      h('thead', h('tr', h('th', { scope: 'col' }, t('bulk_col_project')), h('th.num', { scope: 'col' }, t('bulk_col_amount')), h('th', { scope: 'col' }, t('bulk_col_outcome')))),
      h(
        'tbody',
        items.map((x, i) =>
          h(
            'tr.bulk-item',
            { dataset: { id: x.id } },
            h('td.bulk-item-project', x.projectName ?? x.title, x.projectCode ? h('span.muted', ` ${x.projectCode}`) : null),
            h('td.num.bulk-item-amount', x.amountFen === null || x.amountFen === undefined ? '—' : yuan(x.amountFen)),
            outcomeCells[i],
          ),
        ),
      ),
    );
    const res = await modal({
      title: t('bulk_title', { n }),
      body: h(
        'div.bulk-confirm',
        h('p', h('span.tag.info', typeName(kinds[0]))),
        h('p', t('bulk_preview')),
        h('div.bulk-preview-wrap', preview),
        picker,
        h('div.field', h('label', { for: 'bulk-comment' }, t('bulk_comment')), comment),
      ),
      submitLabel: t('bulk_confirm', { n }),
      cancelLabel: t('cancel'),
      onSubmit: () => post('/api/tasks/bulk-decide', { taskIds: items.map((x) => x.id), outcome, comment: comment.value.trim() || null, form: {} }),
    });
    if (!res || stale()) return;
    showResult(res, items);
    await reload();
  }

  /** @param {{ decided: number, results?: Array<{ taskId: string, ok: boolean, error?: string }> }} res @param {TaskSummary[]} items */
  function showResult(res, items) {
    const titles = new Map(items.map((x) => [x.id, x.title]));
    const failures = (res.results ?? []).filter((r) => !r.ok);
    const decided = (res.results ?? []).filter((r) => r.ok);
    result.className = `notice bulk-result ${failures.length ? 'warn' : 'ok'}`;
    result.replaceChildren(
      h(
        'div.bulk-result-head',
        h('strong.bulk-done', { dataset: { decided: String(res.decided) } }, t('bulk_done', { n: res.decided })),
        h('button.btn.small', { type: 'button', onclick: () => (result.hidden = true) }, t('bulk_dismiss')),
      ),
      ...(decided.length
        ? [h('p', t('bulk_succeeded', { n: decided.length })), h('ul.bulk-successes', decided.map((x) => h('li', { dataset: { id: x.taskId } }, titles.get(x.taskId) ?? x.taskId)))]
        : []),
      ...(failures.length
        ? [h('p', t('bulk_failed', { n: failures.length })), h('ul.bulk-failures', failures.map((x) => h('li', { dataset: { id: x.taskId } }, h('strong', titles.get(x.taskId) ?? x.taskId), '：', localMessage(x.error ?? ''))))]
        : []),
    );
    result.hidden = false;
    result.focus();
    toast(t('bulk_done', { n: res.decided }), res.decided ? 'ok' : 'error');
  }

  return { allBox, bar, result, rowBox, toggle, sync, reset };
}
