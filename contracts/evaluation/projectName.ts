// A budget project's project-library entry (项目库) by name, pure and zod-free. The library knows the
// application as the unit typed it at pre-assessment, the budget knows the project: the same project's
// two names differ in width (全角/半角), whitespace, brackets, letter case, and sometimes the budget
// year at the end. The normalised name takes away only these differences, nothing that may tell two
// projects apart (ours; kept conservative on purpose):
//   1. NFKC: full-width letters, digits, punctuation and the ideographic space become their usual
//      forms (（２０２５）→ (2025), Ａ → A, the ideographic space U+3000 → space);
//   2. every whitespace character removed;
//   3. brackets unified to ( ): ( ) [ ] { } 【 】 〔 〕 〖 〗 (after NFKC the full-width ones are these);
//   4. letters case folded (lower case);
//   5. the budget year itself at the very end removed: 2025年, 2025年度, (2025), (2025年), (2025年度)
//      — only that year: "…(2024年)" in 2025's library is another year's project and stays apart.
// Nothing else is touched: other digits, 一期/二期, 第N批, 项目 or 工程 at the end, 《》, 、 and the
// other punctuation. Two entries of one unit with the same normalised name are ambiguous: the match
// says so and names them rather than guessing (the form then falls back to the industry's core
// indicators, and the task page says why).

const OPEN = /[[{【〔〖]/g;
const CLOSE = /[\]}】〕〗]/g;

/** The name as matched: see the rules above. `year`: the budget year to drop from the end (none: keep every year). */
export function normaliseProjectName(name: string, year?: number): string {
  let s = name.normalize('NFKC').replace(/\s+/gu, '').replace(OPEN, '(').replace(CLOSE, ')').toLowerCase();
  if (year !== undefined) {
    const y = String(year);
    const stripped = s.replace(new RegExp(`(?:\\(${y}(?:年度?)?\\)|${y}年度?)$`), '');
    if (stripped) s = stripped; // a name that is only the year stays as it is
  }
  return s;
}

export interface NamedEntry {
  deptId: string;
  unitId: string;
  name: string;
}

/** What a project's name finds among its unit's entries: the one entry, several (ambiguous), or none. */
export type LibraryMatch<E> = { kind: 'one'; entry: E } | { kind: 'ambiguous'; entries: E[] } | { kind: 'none' };

/**
 * The entries of a year, indexed by department, unit and normalised name; `match` finds a project's.
 * Every entry given counts (the caller leaves out what is not a project's entry, e.g. a failed one).
 */
export function libraryIndex<E extends NamedEntry>(entries: Iterable<E>, year: number): { match(p: NamedEntry): LibraryMatch<E> } {
  const byKey = new Map<string, E[]>();
  const keyOf = (e: NamedEntry): string => `${e.deptId}\u0000${e.unitId}\u0000${normaliseProjectName(e.name, year)}`;
  for (const e of entries) {
    const k = keyOf(e);
    const list = byKey.get(k);
    if (list) list.push(e);
    else byKey.set(k, [e]);
  }
  return {
    match(p) {
      const found = byKey.get(keyOf(p));
      if (!found) return { kind: 'none' };
      return found.length === 1 ? { kind: 'one', entry: found[0] } : { kind: 'ambiguous', entries: [...found] };
    },
  };
}
