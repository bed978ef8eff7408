// Warning, verify, then resume, adjust or reclaim (预警核实): its part of the region profile
// (config/regions/<region>/warning.json, optional). Values a seed states carry their file and
// phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';

export const WarningProfile = z.object({}).default({});
export type WarningProfile = z.infer<typeof WarningProfile>;
