// Process records (a process's own rows beside the inbox, e.g. monitoring's results): written with
// the board's projection, in its transaction, by the writer the process registers for their kind in
// db/<process>/records.ts (`records: { [kind]: writer }`). So they ride an Update's answer like the
// inbox rows do, instead of an activity of their own per change.
import type { Queryable } from './index';

/** Writes rows of one kind, idempotently (a versioned upsert): the same rows come again with the backstop. */
export type RecordWriter = (q: Queryable, rows: unknown[]) => Promise<void>;
export type RecordWriters = Readonly<Record<string, RecordWriter>>;
