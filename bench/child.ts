// A child process of the bench (its worker, a measuring script's worker): it closes what it opened
// and exits on SIGTERM or when its parent goes, whichever comes first.
export function closeWhenParentGoes(close: () => Promise<void>): void {
  const stop = async (): Promise<void> => {
    await close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
}
