// jixiao's search attributes on a Temporal server: the list (shared ones and every registered
// process's, contracts/registry.zod.ts) and adding what is missing.
import { Connection } from '@temporalio/client';
import type { CliSearchAttributeType } from '../../contracts/searchAttributes';
import { searchAttributes } from '../../contracts/registry.zod';
import { defaultLog, errText, type Log } from './util';
import { toOptions, type TemporalTarget } from './wait';

/** Shared ones and every registered process's (contracts/registry.zod.ts). */
export const SEARCH_ATTRIBUTES = searchAttributes();

/** proto IndexedValueType numbers (temporal.api.enums.v1.IndexedValueType). */
const INDEXED_VALUE_TYPE: Record<CliSearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};
const typeName = (v: unknown): string => {
  if (typeof v === 'string') return v.replace(/^INDEXED_VALUE_TYPE_/, '');
  const hit = Object.entries(INDEXED_VALUE_TYPE).find(([, n]) => n === v);
  return hit ? hit[0] : String(v);
};
const sameType = (registered: unknown, wanted: CliSearchAttributeType) =>
  registered === INDEXED_VALUE_TYPE[wanted] ||
  (typeof registered === 'string' && registered.replace(/^INDEXED_VALUE_TYPE_/, '').replace(/_/g, '').toLowerCase() === wanted.toLowerCase());

/**
 * Registers every search attribute of SEARCH_ATTRIBUTES missing in `namespace` (an existing db
 * file from an older version, an external server). Idempotent; returns the names it added.
 * Throws if one exists with another type (that cannot be changed in place).
 */
export async function ensureSearchAttributes(
  target: TemporalTarget,
  namespace: string,
  opts: { log?: Log; attributes?: Record<string, CliSearchAttributeType> } = {},
): Promise<string[]> {
  const { log = defaultLog, attributes = SEARCH_ATTRIBUTES } = opts;
  const options = toOptions(target);
  const connection = await Connection.connect(options);
  try {
    const list = async () =>
      (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    const have = await list();
    const missing: Record<string, number> = {};
    const wrong: string[] = [];
    for (const [name, type] of Object.entries(attributes)) {
      if (!(name in have)) missing[name] = INDEXED_VALUE_TYPE[type];
      else if (!sameType(have[name], type)) wrong.push(`${name} is ${typeName(have[name])}, expected ${type}`);
    }
    if (wrong.length) {
      throw new Error(
        `search attributes in namespace ${namespace} at ${options.address} have the wrong type (${wrong.join('; ')}); ` +
          'a type cannot be changed in place: use a new namespace or a new --db-filename',
      );
    }
    const names = Object.keys(missing);
    if (names.length === 0) return [];
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 6 /* ALREADY_EXISTS: another process added them meanwhile */) {
        const now = await list();
        if (names.every((n) => n in now)) return [];
      }
      throw new Error(
        `cannot add search attributes ${names.join(', ')} to namespace ${namespace} at ${options.address}: ${errText(err)}` +
          (code === 7 ? ' (no permission: add them with the admin tools of that server, e.g. `temporal operator search-attribute create`)' : ''),
      );
    }
    log.info(`registered search attributes in namespace ${namespace}: ${names.join(', ')}`);
    return names;
  } finally {
    await connection.close();
  }
}

