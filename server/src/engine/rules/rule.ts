/**
 * What a rule is: its metadata (id, severity, docs, whether it fixes) beside its check. A rule
 * reads the schema model through its context and reports findings; it never parses text and
 * never knows whether it runs in the editor or in CI.
 */
import type { ResolvedConfig } from '../config/config';
import type { Fix, RelatedInfo, Severity, SourceRange } from '../findings';
import type { SchemaModel } from '../model/schema';
import type { ParsedSql } from '../parse/sql';
import type { FileGroup, Language } from '../project';

export interface RuleMeta {
  /** Stable kebab-case id: the public contract of configuration and suppression comments. */
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule checks. */
  description: string;
  /** Why it matters, in one paragraph (shown on hover and in the docs). */
  rationale: string;
  /** A short bad example and its good counterpart. */
  example: { bad: string; good: string };
  fixable: boolean;
  /** Where the rule applies. */
  languages: Language[];
  /**
   * The rule writes Prisma-native fixes for Prisma schemas. Without it, findings on a Prisma schema
   * are reported without their (SQL) fixes.
   */
  prismaFixes?: boolean;
  /** The catalogue section. */
  category: 'schema design' | 'multi-tenancy' | 'migrations' | 'syntax';
}

export interface Report {
  /** Where the problem is: the column, the constraint, or the statement. */
  range: SourceRange;
  message: string;
  fixes?: Fix[];
  related?: RelatedInfo[];
  /**
   * A graver (or milder) severity than the rule's default for this one finding, e.g. a statement
   * PostgreSQL will refuse to run. A severity the user configured for the rule still wins.
   */
  severity?: Severity;
}

export interface RuleContext {
  readonly model: SchemaModel;
  readonly config: ResolvedConfig;
  readonly group: FileGroup;
  /** Statements of the group's files that PostgreSQL's parser rejects. */
  readonly syntaxErrors: readonly { file: string; message: string; start: number; end: number }[];
  /** Statements PostgreSQL rejected when the group's migrations ran (`--verify`); empty otherwise. */
  readonly verifyFailures: readonly { file: string; message: string; start: number; end: number }[];
  /**
   * The schema models of the project's other SQL groups, migration folders first: for a file that
   * uses tables it does not define (a query file beside the migrations that create them).
   */
  otherModels(): readonly SchemaModel[];
  /** The text of a file of the project (for fixes that must place or keep text). */
  fileText(path: string): string;
  /** The parse of one of the group's SQL files, its down files included (undefined for others). */
  parsedFile(path: string): ParsedSql | undefined;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export const DOCS_BASE_URL = 'https://github.com/db-expert/db-expert/blob/main/docs/rules/';

export function docsUrl(id: string): string {
  return `${DOCS_BASE_URL}${id}.md`;
}
