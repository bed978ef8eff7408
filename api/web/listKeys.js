// @ts-check
// The task list's keys: j / k move, Enter opens (the focused link), / focuses the search, Escape
// leaves it, x ticks the row for bulk approval (when the list has tick boxes).

/**
 * @param {object} o
 * @param {HTMLElement} o.tbody
 * @param {HTMLInputElement} o.search
 * @param {((box: HTMLInputElement) => void) | null} o.toggle  ticks / unticks a row's box
 */
export function listKeys({ tbody, search, toggle }) {
  let selected = -1;
  /** @param {KeyboardEvent} e */
  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = /** @type {HTMLElement} */ (e.target);
    const tag = (target.tagName || '').toLowerCase();
    // a tick box is not typing: j / k / x work from it
    const typing = (tag === 'input' && !['checkbox', 'radio'].includes(/** @type {HTMLInputElement} */ (target).type)) || tag === 'textarea' || tag === 'select' || target.isContentEditable;
    if (e.key === '/' && !typing) {
      e.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (e.key === 'Escape' && e.target === search) {
      search.blur();
      return;
    }
    if (typing || document.querySelector('dialog[open]')) return;
    const rows = /** @type {HTMLElement[]} */ ([...tbody.querySelectorAll('tr.task-row')]);
    if (!rows.length) return;
    if (e.key === 'j' || e.key === 'k') {
      e.preventDefault();
      const cur = rows.findIndex((r) => r.contains(document.activeElement));
      const base = cur >= 0 ? cur : selected;
      selected = Math.max(0, Math.min(rows.length - 1, base < 0 ? 0 : base + (e.key === 'j' ? 1 : -1)));
      for (const r of rows) r.classList.remove('selected');
      rows[selected].classList.add('selected');
      rows[selected].querySelector(/** @type {'a'} */ ('a.row-link')).focus();
    } else if (e.key === 'Enter' && selected >= 0 && !target.closest('a, button, input')) {
      rows[selected]?.querySelector(/** @type {'a'} */ ('a.row-link'))?.click();
    } else if (e.key === 'x' && toggle) {
      // x ticks / unticks the focused (or last selected) row
      const cur = rows.findIndex((r) => r.contains(document.activeElement));
      const box = rows[cur >= 0 ? cur : selected]?.querySelector(/** @type {'input'} */ ('input.row-check'));
      if (box) {
        e.preventDefault();
        toggle(box);
      }
    }
  }
  document.addEventListener('keydown', onKey);
  tbody.addEventListener('focusin', (e) => {
    const r = /** @type {Element} */ (e.target).closest('tr.task-row');
    if (!r) return;
    const rows = [...tbody.querySelectorAll('tr.task-row')];
    selected = rows.indexOf(r);
    for (const x of rows) x.classList.toggle('selected', x === r);
  });

  return {
    /** The rows were reloaded: nothing is selected. */
    reset: () => (selected = -1),
    stop: () => document.removeEventListener('keydown', onKey),
  };
}
