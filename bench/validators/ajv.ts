// Candidate (b): ajv's standalone code, generated at build time (bench/validators/generate.ts).
import * as compiled from './ajv.generated';
import { fromAjv } from './ajvAdapter';
import { makeWorkflows } from './holder';

export const { hold, parity } = makeWorkflows(fromAjv(compiled));
