// Writes monitoring's generated JSON Schemas until it is in the registry (then npm run gen:schemas does):
//   npx tsx test/monitoring/genSchemas.ts
import { writeFileSync } from 'node:fs';
import { buildSchemaFiles } from '../../scripts/genSchemas';
import { monitoring } from '../../contracts/monitoring/manifest.zod';

for (const f of buildSchemaFiles([monitoring]).filter((f) => f.path.includes('/contracts/monitoring/'))) {
  writeFileSync(f.path, f.text);
  process.stdout.write(`wrote ${f.path}\n`);
}
