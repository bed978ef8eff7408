import { keep } from '../keep';

export async function warning(input: unknown): Promise<void> {
  await keep(input, 'warning.trigger');
}
