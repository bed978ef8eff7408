// Custom search attributes of the jixiao namespace: one list, used by the dev server start-up
// (registered with `--search-attribute Name=Type`), by ensureSearchAttributes for existing
// servers, and by workflow code (typed keys for upsertSearchAttributes / typedSearchAttributes).
//
// Imported by workflow code: only @temporalio/common and zod here, no Node built-ins.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attribute types as the Temporal CLI spells them (`--search-attribute Name=Type`). */
export type CliSearchAttributeType = 'Keyword' | 'Int' | 'Text' | 'Datetime' | 'Bool' | 'Double' | 'KeywordList';

export const SEARCH_ATTRIBUTES = {
  /** Which process a workflow belongs to, e.g. "goal_review", "self_evaluation". */
  JixiaoProcess: 'Keyword',
  JixiaoProjectId: 'Keyword',
  JixiaoDeptId: 'Keyword',
  JixiaoUnitId: 'Keyword',
  /** Current stage of the process. */
  JixiaoStage: 'Keyword',
  /** Project amount in fen (分), an integer. */
  JixiaoAmountFen: 'Int',
  /** Number of open human tasks of the workflow. */
  JixiaoOpenTasks: 'Int',
  JixiaoRoundId: 'Keyword',
} as const satisfies Record<string, CliSearchAttributeType>;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** CLI type name → SDK SearchAttributeType. */
export const CLI_TO_SDK_TYPE = {
  Keyword: SearchAttributeType.KEYWORD,
  Int: SearchAttributeType.INT,
  Text: SearchAttributeType.TEXT,
  Datetime: SearchAttributeType.DATETIME,
  Bool: SearchAttributeType.BOOL,
  Double: SearchAttributeType.DOUBLE,
  KeywordList: SearchAttributeType.KEYWORD_LIST,
} as const satisfies Record<CliSearchAttributeType, SearchAttributeType>;

/** Typed keys, for `upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'review' }])` and friends. */
export const SA = {
  JixiaoProcess: defineSearchAttributeKey('JixiaoProcess', SearchAttributeType.KEYWORD),
  JixiaoProjectId: defineSearchAttributeKey('JixiaoProjectId', SearchAttributeType.KEYWORD),
  JixiaoDeptId: defineSearchAttributeKey('JixiaoDeptId', SearchAttributeType.KEYWORD),
  JixiaoUnitId: defineSearchAttributeKey('JixiaoUnitId', SearchAttributeType.KEYWORD),
  JixiaoStage: defineSearchAttributeKey('JixiaoStage', SearchAttributeType.KEYWORD),
  JixiaoAmountFen: defineSearchAttributeKey('JixiaoAmountFen', SearchAttributeType.INT),
  JixiaoOpenTasks: defineSearchAttributeKey('JixiaoOpenTasks', SearchAttributeType.INT),
  JixiaoRoundId: defineSearchAttributeKey('JixiaoRoundId', SearchAttributeType.KEYWORD),
} as const;

// Compile-time check that SA and SEARCH_ATTRIBUTES list the same names with the same types.
type _SameNames = [keyof typeof SA] extends [SearchAttributeName]
  ? [SearchAttributeName] extends [keyof typeof SA]
    ? true
    : never
  : never;
const _sameNames: _SameNames = true;
void _sameNames;
type _SameTypes = {
  [K in SearchAttributeName]: (typeof SA)[K]['type'] extends (typeof CLI_TO_SDK_TYPE)[(typeof SEARCH_ATTRIBUTES)[K]]
    ? true
    : never;
};
const _sameTypes: _SameTypes = {
  JixiaoProcess: true,
  JixiaoProjectId: true,
  JixiaoDeptId: true,
  JixiaoUnitId: true,
  JixiaoStage: true,
  JixiaoAmountFen: true,
  JixiaoOpenTasks: true,
  JixiaoRoundId: true,
};
void _sameTypes;
