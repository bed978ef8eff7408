// Rectification (整改): its part of the region profile (config/regions/<region>/rectification.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';

export const RectificationProfile = z.object({
  dueDays: z.number().int().positive(),
  reminderBeforeDays: z.number().int().nonnegative(),
  escalateAfterDays: z.number().int().nonnegative(),
});
export type RectificationProfile = z.infer<typeof RectificationProfile>;
