// @ts-check
// The task page's decision card: the outcome picker, the form generated from the outcome's JSON
// Schema (prefilled by the task's process, or from the saved draft), decide and save-draft; locked
// while a decision on the task waits for its process (queued.js), usable again once it was refused.
import { ApiError, post, queuedMove, taskPath } from './api.js';
import { h, toast } from './dom.js';
import { outcomePicker, schemaForm } from './form.js';
import { L, t, v } from './i18n.js';
import { card } from './render.js';
import { app } from './state.js';

/** @typedef {import('./task.js').TaskPage} TaskPage */

/**
 * @param {TaskPage} page
 * @param {{ note?: Node | null, locked?: boolean }} [o]  a note above the form (a queued or refused decision); locked: a decision waits, nothing may be sent
 */
export function decisionPanel({ d, mine, process }, { note = null, locked = false } = {}) {
  const { task, state, type } = d;
  const ctx = state?.spec?.context ?? {};
  const outcomes = type.outcomes;
  const draft = state?.draft && typeof state.draft === 'object' ? { ...state.draft } : null;
  let current = outcomes.find((o) => o.key === draft?._outcome) ?? outcomes[0];
  if (draft) delete draft._outcome;
  let values = draft ?? process?.module?.prefill?.(ctx, current.schema) ?? {};
  const formHost = h('div.form-host');
  const general = h('div.form-error', { role: 'alert', hidden: true });
  const submit = /** @type {HTMLButtonElement} */ (h('button.btn', { type: 'submit' }));
  const saveDraft = /** @type {HTMLButtonElement} */ (h('button.btn', { type: 'button', onclick: () => doSaveDraft() }, t('task_save_draft')));
  /** @type {ReturnType<typeof schemaForm>} */
  let form;
  /** @type {HTMLTextAreaElement | null} */
  let extraComment = null;

  const drawForm = () => {
    // the process may narrow the form to this task (e.g. the region's points per aspect)
    form = schemaForm(process?.module?.formSchema?.(ctx, current.schema) ?? current.schema, values);
    const hasComment = !!current.schema?.properties?.comment;
    extraComment = hasComment ? null : /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'decide-comment', name: 'comment', rows: 3, maxlength: 2000 }));
    formHost.replaceChildren(...[form.el, extraComment ? h('div.field.wide.extra-comment', h('label', { for: 'decide-comment' }, v('field', 'comment')), extraComment) : null].filter(Boolean));
    submit.className = `btn ${current.style === 'danger' ? 'danger' : 'primary'}`;
    submit.textContent = outcomes.length > 1 ? t('task_submit', { outcome: L(current.label, current.key) }) : L(current.label, current.key);
    submit.dataset.outcome = current.key;
  };

  const picker =
    outcomes.length > 1
      ? outcomePicker(outcomes, current.key, (o) => {
          values = form.get();
          current = o;
          drawForm();
        })
      : null;

  const body = h(
    'form.decision-form',
    { noValidate: true, onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), doDecide()) },
    picker,
    formHost,
    general,
    h('div.form-actions', submit, saveDraft),
  );
  drawForm();
  if (locked) {
    body.classList.add('locked');
    for (const el of body.querySelectorAll('input, select, textarea, button')) /** @type {HTMLInputElement} */ (el).disabled = true;
  }

  /** @param {any} e */
  const showError = (e) => {
    const fe = e instanceof ApiError ? e.fieldErrors() : [];
    if (fe.length) {
      form.setErrors(fe);
      general.hidden = true;
      form.focusFirstError();
    } else {
      form.clearErrors();
      general.textContent = `${t('error_prefix')}：${e.message}`;
      general.hidden = false;
    }
  };

  async function doDecide() {
    submit.disabled = true;
    saveDraft.disabled = true;
    general.hidden = true;
    try {
      const f = form.get();
      const comment = extraComment ? extraComment.value.trim() || null : typeof f.comment === 'string' && f.comment.trim() ? f.comment : null;
      // through the queue: answered at once even while the engine is busy (a round opening)
      const r = await mine(() => queuedMove(taskPath(task.id), { action: 'decide', outcome: current.key, form: f, comment }));
      toast(t(r.status === 'applied' ? 'task_decided' : 'task_decision_queued', { title: task.title }));
      app.go(app.lastList);
    } catch (e) {
      showError(e);
    } finally {
      submit.disabled = body.classList.contains('locked');
      saveDraft.disabled = body.classList.contains('locked');
    }
  }

  async function doSaveDraft() {
    saveDraft.disabled = true;
    try {
      await mine(() => post(`${taskPath(task.id)}/actions`, { action: 'saveDraft', form: { ...form.get(), _outcome: current.key } }));
      form.clearErrors();
      general.hidden = true;
      toast(t('task_draft_saved'));
    } catch (e) {
      showError(e);
    } finally {
      saveDraft.disabled = body.classList.contains('locked');
    }
  }

  return card(t('task_decide'), note ? [note, body] : body, 'decision');
}
