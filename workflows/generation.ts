// A code generation: one patch that stands for several earlier ones in executions started under it.
// Every patched() call of a new execution records a marker and makes the SDK upsert the
// TemporalChangeVersion search attribute (sdk-core patch_state_machine.rs: no opt-out), two history
// events and one visibility write each. A warning started with five patches in effect paid five of
// each in its first workflow task (2026-12-04); under a generation it pays one. Executions that began
// before the generation have no marker of it, so patched(generation) is false on their replay and they
// ask each folded patch as they did.
import { patched } from '@temporalio/workflow';

export type Patched = (patchId: string) => boolean;

export interface Generation {
  /** Started under the generation (what it changes beyond its folded patches may branch on this). */
  readonly current: boolean;
  /** patched() for each id in `folded`: true at once under the generation, the SDK's otherwise; any other id the SDK's. */
  readonly patched: Patched;
}

/** Call once at the start of the workflow (its first activation). */
export function generation(id: string, folded: readonly string[]): Generation {
  const current = patched(id);
  const set = new Set(folded);
  return { current, patched: (patchId) => (current && set.has(patchId)) || patched(patchId) };
}
