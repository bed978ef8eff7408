import { keep } from '../keep';

/** A raiser starts the warning by update-with-start (contracts/warning/messages.ts): its trigger is kept as a signal's is. */
export async function warning(input: unknown): Promise<void> {
  await keep(input, 'warning.trigger', 'warning.raise');
}
