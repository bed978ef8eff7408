// Writes evaluation's generated JSON Schemas while it is not yet in the registry (npm run gen:schemas
// writes the registry's):  npx tsx test/evaluation/genSchemas.ts
import { writeFileSync } from 'node:fs';
import { buildSchemaFiles } from '../../scripts/genSchemas';
import { evaluation } from '../../contracts/evaluation/manifest.zod';

for (const f of buildSchemaFiles([evaluation]).filter((f) => f.path.includes('/contracts/evaluation/'))) {
  writeFileSync(f.path, f.text);
  process.stdout.write(`wrote ${f.path}\n`);
}
