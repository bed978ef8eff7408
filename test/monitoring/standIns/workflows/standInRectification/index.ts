import { keep } from '../keep';

export async function rectification(input: unknown): Promise<void> {
  await keep(input, 'rectification.problems');
}
