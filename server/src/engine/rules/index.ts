/** The registry: every rule, in the catalogue's order. */
import { addColumnNotNullWithoutDefault } from './add-column-not-null-without-default';
import { addForeignKeyValidating } from './add-foreign-key-validating';
import { alterColumnType } from './alter-column-type';
import { booleanNullable } from './boolean-nullable';
import { createIndexNonConcurrently } from './create-index-non-concurrently';
import { duplicateIndex } from './duplicate-index';
import { floatForMoney } from './float-for-money';
import { foreignKeyTypeMismatch } from './foreign-key-type-mismatch';
import { foreignKeyWithoutIndex } from './foreign-key-without-index';
import { foreignKeyWithoutOnDelete } from './foreign-key-without-on-delete';
import { migrationFails } from './migration-fails';
import { migrationWithoutDown } from './migration-without-down';
import { missingAuditColumns } from './missing-audit-columns';
import { missingCheckConstraint } from './missing-check-constraint';
import { missingDefault } from './missing-default';
import { missingNotNull } from './missing-not-null';
import { policyWithoutRls } from './policy-without-rls';
import { preferIdentity } from './prefer-identity';
import { preferJsonb } from './prefer-jsonb';
import { primaryKeyType } from './primary-key-type';
import { queryWithoutTenantFilter } from './query-without-tenant-filter';
import { renameOrDrop } from './rename-or-drop';
import { rlsEnabledWithoutPolicy } from './rls-enabled-without-policy';
import { rlsNotForced } from './rls-not-forced';
import type { Rule } from './rule';
import { setNotNullValidating } from './set-not-null-validating';
import { softDeleteUnique } from './soft-delete-unique';
import { softDeleteWithoutPartialIndex } from './soft-delete-without-partial-index';
import { syntaxError } from './syntax-error';
import { tableWithoutPrimaryKey } from './table-without-primary-key';
import { tenantColumnNullable } from './tenant-column-nullable';
import { tenantIndexNotLeading } from './tenant-index-not-leading';
import { tenantTableWithoutRls } from './tenant-table-without-rls';
import { tenantUniqueWithoutTenant } from './tenant-unique-without-tenant';
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
  tenantTableWithoutRls,
  rlsEnabledWithoutPolicy,
  policyWithoutRls,
  rlsNotForced,
  tenantUniqueWithoutTenant,
  tenantIndexNotLeading,
  tenantColumnNullable,
  queryWithoutTenantFilter,
  createIndexNonConcurrently,
  addColumnNotNullWithoutDefault,
  addForeignKeyValidating,
  alterColumnType,
  setNotNullValidating,
  renameOrDrop,
  migrationWithoutDown,
  syntaxError,
  migrationFails,
];

export const ruleIds: readonly string[] = allRules.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
