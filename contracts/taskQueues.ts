// Task queue names, zod-free for workflow code.

/** The name of a process's own task queue (see ProcessManifest.ownTaskQueue). */
export const ownTaskQueueName = (main: string, own: string): string => `${main}.${own}`;
