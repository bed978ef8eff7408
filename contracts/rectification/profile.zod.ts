// Rectification (整改): its part of the region profile (config/regions/<region>/rectification.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours: no
// seed gives rectification's deadlines (DOMAIN.md, stage 4: "the mechanics below are *(ours)*").
import { z } from 'zod';

export const RectificationProfile = z.object({
  /** The notice falls due this many working days after it is issued (calendar days without a calendar). *(ours)* */
  dueDays: z.number().int().positive(),
  /** The department is reminded this many days before the due date. *(ours)* */
  reminderBeforeDays: z.number().int().nonnegative(),
  /** Each escalation (to the department head and finance) comes this many days after the previous (the first after the due date). *(ours)* */
  escalateAfterDays: z.number().int().nonnegative(),
  /** How many escalations before a problem still open opens an accountability case (问责, 002). *(ours)*: 2. */
  escalations: z.number().int().min(1).max(10).default(2),
  /** An extension (延期) finance grants moves the due date by at most this many days. *(ours)*: 30. */
  maxExtensionDays: z.number().int().positive().default(30),
  /** Finance verifies the department's report within this many days. *(ours)*: 10. */
  verifyDueDays: z.number().int().positive().default(10),
});
export type RectificationProfile = z.infer<typeof RectificationProfile>;
