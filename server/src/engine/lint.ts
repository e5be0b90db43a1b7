/**
 * The one entry point of the engine: (files, config) → findings with fixes.
 *
 * text → statements (parse/) → one schema model per file group (model/) → rules (rules/) →
 * findings, filtered by suppression comments and the configured severities.
 */
import { DEFAULT_CONFIG, type ResolvedConfig } from './config/config';
import { compareFindings, type Finding, type Severity, type SeveritySetting } from './findings';
import { buildSqlModel } from './model/build-sql';
import { emptyModel, tableKey, type SchemaModel } from './model/schema';
import { buildPrismaModel } from './model/build-prisma';
import { loadPrismaParser, parsePrisma, type ParsedPrisma } from './parse/prisma';
import { loadSqlParser, parseSql, type ParsedSql } from './parse/sql';
import { groupPrismaFiles, isPrismaFile } from './prisma/group';
import { prismaMajorFromPackageJson } from './prisma/version';
import type { FileGroup, SourceFile } from './project';
import { allRules } from './rules';
import type { Report, Rule, RuleContext } from './rules/rule';
import { isSuppressed, parseDirectives } from './suppress';
import { LineIndex } from './text';
import { groupFiles, upSectionEnd } from './workspace/migrations';

export interface LintOptions {
  config?: ResolvedConfig;
  /** Severity overrides applied over `config.rules` (the CLI's `--rule id=level`). */
  ruleOverrides?: Record<string, SeveritySetting>;
  /** The rules to run (all by default). */
  rules?: readonly Rule[];
  /** Statements PostgreSQL rejected when the migrations ran (`--verify`), for `migration-fails`. */
  verifyFailures?: readonly SyntaxErrorInfo[];
}

export interface SyntaxErrorInfo {
  file: string;
  message: string;
  start: number;
  end: number;
}

export interface LintResult {
  findings: Finding[];
  groups: FileGroup[];
  /** The schema model of each group (the state after all its files). */
  models: Map<FileGroup, SchemaModel>;
  parsed: Map<string, ParsedSql>;
  parsedPrisma: Map<string, ParsedPrisma>;
}

/**
 * In a Prisma project the schema is written in `schema.prisma`: schema-design and tenancy findings
 * go there, where the user fixes them, and not again on the SQL that `prisma migrate` generates,
 * which keeps the migration-safety and syntax findings.
 */
const SCHEMA_CATEGORIES = new Set(['schema design', 'multi-tenancy']);

/** Lints a set of files as one project. Never throws for bad input: it becomes findings. */
export async function lintProject(
  files: readonly SourceFile[],
  options: LintOptions = {},
): Promise<LintResult> {
  const prismaFiles = files.filter((f) => isPrismaFile(f.path));
  await Promise.all([loadSqlParser(), prismaFiles.length > 0 ? loadPrismaParser() : undefined]);
  const config = options.config ?? DEFAULT_CONFIG;
  const rules = options.rules ?? allRules;
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const sqlFiles = files.filter((f) => f.path.toLowerCase().endsWith('.sql'));

  const findings: Finding[] = [];
  const parsed = new Map<string, ParsedSql>();
  for (const f of sqlFiles) parsed.set(f.path, parseSql(f.text));
  const parsedPrisma = new Map<string, ParsedPrisma>();
  for (const f of prismaFiles) parsedPrisma.set(f.path, parsePrisma(f.text));

  const groups = groupFiles(sqlFiles, config);
  const prismaGroups = groupPrismaFiles(prismaFiles).map((g) => ({ ...g, language: 'prisma' as const }));
  const models = new Map<FileGroup, SchemaModel>();
  const prismaMajor = prismaVersion(files);

  const run = (group: FileGroup, model: SchemaModel, syntaxErrors: SyntaxErrorInfo[]) => {
    const language = group.language ?? 'sql';
    const generatedByPrisma = language === 'sql' && group.tool === 'prisma' && prismaGroups.length > 0;
    for (const rule of rules) {
      const severity = severityOf(rule, config, options.ruleOverrides);
      if (severity === 'off' || !rule.meta.languages.includes(language)) continue;
      const configured = (options.ruleOverrides?.[rule.meta.id] ?? config.rules[rule.meta.id]) !== undefined;
      if (generatedByPrisma && SCHEMA_CATEGORIES.has(rule.meta.category)) continue;
      const keepFixes = language === 'sql' || rule.meta.prismaFixes === true;
      const context: RuleContext = {
        model,
        config,
        group,
        syntaxErrors,
        verifyFailures: (options.verifyFailures ?? []).filter((f) => group.files.includes(f.file)),
        otherModels: () => otherModels(group),
        fileText: (path) => texts.get(path) ?? '',
        report: (r: Report) =>
          findings.push(
            toFinding(
              rule,
              configured ? severity : (r.severity ?? severity),
              keepFixes ? r : { ...r, fixes: [] },
            ),
          ),
      };
      try {
        rule.check(context);
      } catch (e) {
        findings.push(internalError(rule.meta.id, group.files[0] ?? '', e));
      }
    }
  };

  /** The SQL models of the project's other groups, migrations first (built once, on first ask). */
  const otherModels = (group: FileGroup): SchemaModel[] =>
    [...groups]
      .filter((g) => g !== group)
      .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'migrations' ? -1 : 1))
      .flatMap((g) => {
        const m = models.get(g);
        return m ? [m] : [];
      });

  for (const group of groups) {
    const groupFilesParsed = group.files.flatMap((path) => {
      const p = parsed.get(path);
      if (!p) return [];
      // Only what runs on the way up builds the schema (a dbmate file's down section does not).
      const end = upSectionEnd(group.tool, texts.get(path) ?? '');
      const up =
        end < (texts.get(path) ?? '').length
          ? { ...p, statements: p.statements.filter((s) => s.start < end) }
          : p;
      return [{ path, parsed: up }];
    });
    let model: SchemaModel;
    try {
      model = buildSqlModel(groupFilesParsed, {
        // A statement the model cannot apply is skipped; say so where it stands rather than hide it.
        onInternalError: (e, file, stmt) =>
          findings.push({
            ...internalError('model', file, e),
            severity: 'warning',
            start: stmt.start,
            end: stmt.end,
          }),
      });
    } catch (e) {
      model = emptyModel();
      findings.push(internalError('model', group.files[0] ?? '', e));
    }
    models.set(group, model);
  }
  // Every SQL model exists before any rule runs: a file may use tables another group defines.
  for (const group of groups) {
    const syntaxErrors: SyntaxErrorInfo[] = [];
    for (const path of [...group.files, ...group.downFiles]) {
      for (const err of parsed.get(path)?.errors ?? []) {
        syntaxErrors.push({ file: path, message: err.message, start: err.start, end: err.end });
      }
    }
    run(group, models.get(group)!, syntaxErrors);
  }

  for (const group of prismaGroups) {
    let model: SchemaModel;
    let syntaxErrors: SyntaxErrorInfo[] = [];
    try {
      const built = buildPrismaModel(
        group.files.map((path) => ({ path, text: texts.get(path) ?? '', parsed: parsedPrisma.get(path)! })),
        prismaMajor === undefined ? {} : { prismaMajor },
      );
      model = built.model;
      syntaxErrors = built.errors;
    } catch (e) {
      model = emptyModel();
      findings.push(internalError('model', group.files[0] ?? '', e));
    }
    adoptRowLevelSecurity(model, group, groups, models);
    models.set(group, model);
    run(group, model, syntaxErrors);
  }

  return {
    findings: suppress(findings, texts).sort(compareFindings),
    groups: [...groups, ...prismaGroups],
    models,
    parsed,
    parsedPrisma,
  };
}

/**
 * Row-level security cannot be written in a Prisma schema: it lives in the SQL of the project's
 * Prisma migrations. The schema's tables take their RLS state and policies from there.
 */
function adoptRowLevelSecurity(
  model: SchemaModel,
  prismaGroup: FileGroup,
  sqlGroups: readonly FileGroup[],
  models: Map<FileGroup, SchemaModel>,
): void {
  const root = prismaGroup.folder ?? '';
  const migrations = sqlGroups.find(
    (g) =>
      g.tool === 'prisma' && (root === '' || g.folder === root || (g.folder ?? '').startsWith(`${root}/`)),
  );
  const sql = migrations && models.get(migrations);
  if (!sql) return;
  for (const [k, table] of model.tables) {
    const migrated = sql.tables.get(k);
    if (!migrated) continue;
    table.rls = { ...migrated.rls };
    model.policies.push(...sql.policies.filter((p) => tableKey(p.table) === k));
  }
}

/** The Prisma major version the project depends on, from its package.json files. */
function prismaVersion(files: readonly SourceFile[]): number | undefined {
  for (const f of files) {
    if (f.path === 'package.json' || f.path.endsWith('/package.json')) {
      const major = prismaMajorFromPackageJson(f.text);
      if (major !== undefined) return major;
    }
  }
  return undefined;
}

function severityOf(
  rule: Rule,
  config: ResolvedConfig,
  overrides: Record<string, SeveritySetting> | undefined,
): SeveritySetting {
  return overrides?.[rule.meta.id] ?? config.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
}

function toFinding(rule: Rule, severity: Severity, r: Report): Finding {
  return {
    ruleId: rule.meta.id,
    severity,
    message: r.message,
    file: r.range.file,
    start: r.range.start,
    end: r.range.end,
    fixes: r.fixes ?? [],
    ...(r.related && r.related.length > 0 ? { related: r.related } : {}),
  };
}

function internalError(where: string, file: string, e: unknown): Finding {
  const message = e instanceof Error ? e.message : String(e);
  return {
    ruleId: where,
    severity: 'error',
    message: `Internal error in ${where}: ${message}`,
    file,
    start: 0,
    end: 0,
    fixes: [],
  };
}

function suppress(findings: Finding[], texts: Map<string, string>): Finding[] {
  const perFile = new Map<string, { directives: ReturnType<typeof parseDirectives>; lines: LineIndex }>();
  return findings.filter((f) => {
    let entry = perFile.get(f.file);
    if (!entry) {
      const text = texts.get(f.file) ?? '';
      const language = f.file.endsWith('.prisma') ? 'prisma' : 'sql';
      entry = { directives: parseDirectives(text, language), lines: new LineIndex(text) };
      perFile.set(f.file, entry);
    }
    if (entry.directives.length === 0) return true;
    return !isSuppressed(entry.directives, f.ruleId, entry.lines.position(f.start).line);
  });
}
