// The expert library's random draw (专家库随机抽取) for a key evaluation's fieldwork, pure and
// zod-free: N experts of the fields asked for, drawn by a recorded seed, never one who declared a
// conflict with the department or the unit evaluated (回避); the same library, request and seed give
// the same experts.
import { rng, sample } from './draw';

export interface Expert {
  id: string;
  fields: string[];
  /** Departments and units the expert declared a conflict of interest with. */
  conflicts: string[];
}

export interface ExpertDraw {
  seed: number;
  experts: string[];
  /** Who was passed over for a declared conflict. */
  recused: string[];
  /** Fewer eligible experts than asked for: the draw is short by this many. */
  short: number;
}

export function drawExperts(library: readonly Expert[], req: { n: number; fields: string[]; deptId: string; unitId?: string }, seed: number): ExpertDraw {
  const sorted = [...library].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const inField = sorted.filter((e) => !req.fields.length || e.fields.some((f) => req.fields.includes(f)));
  const conflicted = (e: Expert) => e.conflicts.includes(req.deptId) || (req.unitId !== undefined && e.conflicts.includes(req.unitId));
  const recused = inField.filter(conflicted).map((e) => e.id);
  const eligible = inField.filter((e) => !conflicted(e));
  const experts = sample(eligible, req.n, rng(seed)).map((e) => e.id);
  return { seed, experts, recused, short: Math.max(0, req.n - experts.length) };
}
