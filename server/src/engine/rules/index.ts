/** The registry: every rule, in the catalogue's order. */
import { booleanNullable } from './boolean-nullable';
import { duplicateIndex } from './duplicate-index';
import { floatForMoney } from './float-for-money';
import { foreignKeyTypeMismatch } from './foreign-key-type-mismatch';
import { foreignKeyWithoutIndex } from './foreign-key-without-index';
import { foreignKeyWithoutOnDelete } from './foreign-key-without-on-delete';
import { missingAuditColumns } from './missing-audit-columns';
import { missingCheckConstraint } from './missing-check-constraint';
import { missingDefault } from './missing-default';
import { missingNotNull } from './missing-not-null';
import { preferIdentity } from './prefer-identity';
import { preferJsonb } from './prefer-jsonb';
import { primaryKeyType } from './primary-key-type';
import type { Rule } from './rule';
import { softDeleteUnique } from './soft-delete-unique';
import { softDeleteWithoutPartialIndex } from './soft-delete-without-partial-index';
import { syntaxError } from './syntax-error';
import { tableWithoutPrimaryKey } from './table-without-primary-key';
import { textForTypedData } from './text-for-typed-data';
import { timestampWithoutTimeZone } from './timestamp-without-time-zone';
import { updatedAtWithoutTrigger } from './updated-at-without-trigger';

export const allRules: readonly Rule[] = [
  tableWithoutPrimaryKey,
  primaryKeyType,
  preferIdentity,
  foreignKeyWithoutOnDelete,
  foreignKeyWithoutIndex,
  foreignKeyTypeMismatch,
  missingAuditColumns,
  updatedAtWithoutTrigger,
  textForTypedData,
  floatForMoney,
  timestampWithoutTimeZone,
  preferJsonb,
  booleanNullable,
  missingNotNull,
  missingCheckConstraint,
  missingDefault,
  softDeleteWithoutPartialIndex,
  softDeleteUnique,
  duplicateIndex,
  syntaxError,
];

export const ruleIds: readonly string[] = allRules.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
