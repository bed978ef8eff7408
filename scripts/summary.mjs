// Prints vitest's result as one plain closing line ("tests: N passed, N failed, N skipped") and
// exits non-zero when the run failed, so CI reads the same verdict as a person does.
import { readFileSync } from 'node:fs';

let r;
try {
  r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
} catch (e) {
  console.log(`tests: 0 passed, 1 failed (no result file: ${e.message})`);
  process.exit(1);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.success && r.numFailedTests === 0 && r.numTotalTests > 0 ? 0 : 1);
