/**
 * The one entry point of the engine: (files, config) → findings with fixes.
 *
 * text → statements (parse/) → one schema model per file group (model/) → rules (rules/) →
 * findings, filtered by suppression comments and the configured severities.
 */
import { DEFAULT_CONFIG, type ResolvedConfig } from './config/config';
import { compareFindings, type Finding, type Severity, type SeveritySetting } from './findings';
import { withPublicQualified } from './fixes/sql';
import { buildSqlModel } from './model/build-sql';
import { incrementalStats, patchSqlModel } from './model/incremental';
import { emptyModel, key, tableKey, type RowLevelSecurity, type SchemaModel } from './model/schema';
import { buildPrismaModel } from './model/build-prisma';
import { ParseCache } from './parse/cache';
import { loadPrismaParser, parsePrisma, type ParsedPrisma } from './parse/prisma';
import { loadSqlParser, parseSql, type ParsedSql } from './parse/sql';
import { groupPrismaFiles, isPrismaFile } from './prisma/group';
import { nearestPrismaPackage, prismaMajorFromPackageJson } from './prisma/version';
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
  /**
   * Parses kept from earlier lints of these files (the language server's, per project): unchanged
   * files are not parsed again, and a changed SQL file only in the statements whose text changed.
   * The findings are the same as without it.
   */
  parseCache?: ParseCache;
  /**
   * Keep, in `parseCache`, the model of each file linted on its own, so that the next lint of it
   * after a keystroke patches it (`patchSqlModel`) rather than building it again (the language
   * server's, for a file open in the editor; the text padded by `PaddedText`, or no statement after
   * the edit keeps its parse). The findings are the same as without it.
   */
  keepModels?: boolean;
  /**
   * Lint only the groups that hold one of these files (the language server's unit of an edited
   * file), with every file of the project given: the other groups' files are parsed, and their
   * models built, only if a rule asks for them (`RuleContext.otherModels`), and nothing is reported
   * on them. `LintResult.usedOtherModels` says whether a rule did.
   */
  onlyFiles?: readonly string[];
  /**
   * Migrations that fixes of this `--fix` run created: they have not run anywhere, and the file
   * before them is still the one a fix may edit (`FileGroup.createdByFixes`).
   */
  createdByFixes?: ReadonlySet<string>;
}

export { ParseCache };

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
  /** A rule read the models of groups that `onlyFiles` left out: their files matter to these. */
  usedOtherModels: boolean;
}

/**
 * In a Prisma project the schema is written in `schema.prisma`: schema-design and tenancy findings
 * go there, where the user fixes them, and not again on the SQL that `prisma migrate` generates,
 * which keeps the migration-safety and syntax findings, unless the config's
 * `prisma.schemaFindingsOnMigrations` asks for them there too.
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
  // The other files go along for the migrations' settings files among them (metadata.toml, .sql.conf).
  const groups = groupFiles(
    files.filter((f) => !isPrismaFile(f.path)),
    config,
  );
  if (options.createdByFixes?.size) {
    for (const g of groups) g.createdByFixes = options.createdByFixes;
  }
  const prismaGroups = groupPrismaFiles(prismaFiles).map((g) => ({ ...g, language: 'prisma' as const }));
  const only = options.onlyFiles && new Set(options.onlyFiles);
  /** Whether the group's findings are wanted (all groups, unless `onlyFiles` says which). */
  const selected = (g: FileGroup): boolean =>
    !only || g.files.some((f) => only.has(f)) || g.downFiles.some((f) => only.has(f));
  let usedOtherModels = false;

  const parsed = new Map<string, ParsedSql>();
  const parse = options.parseCache
    ? (f: SourceFile) => options.parseCache!.sqlFile(f.path, f.text)
    : (f: SourceFile) => parseSql(f.text);
  const sqlByPath = new Map(sqlFiles.map((f) => [f.path, f]));
  /** A SQL file's parse, parsed on first use (the files of groups left out, only if asked for). */
  const parsedOf = (path: string): ParsedSql | undefined => {
    let p = parsed.get(path);
    const f = p ? undefined : sqlByPath.get(path);
    if (f) parsed.set(path, (p = parse(f)));
    return p;
  };
  if (only) for (const g of groups.filter(selected)) [...g.files, ...g.downFiles].forEach(parsedOf);
  else for (const f of sqlFiles) parsedOf(f.path);
  const parsedPrisma = new Map<string, ParsedPrisma>();
  for (const f of prismaFiles) parsedPrisma.set(f.path, parsePrisma(f.text));

  const models = new Map<FileGroup, SchemaModel>();
  const schemaOnMigrations = config.prisma.schemaFindingsOnMigrations;

  const run = (group: FileGroup, model: SchemaModel, syntaxErrors: SyntaxErrorInfo[]) => {
    const language = group.language ?? 'sql';
    const generatedByPrisma =
      language === 'sql' && group.tool === 'prisma' && prismaGroups.length > 0 && !schemaOnMigrations;
    // Some statement runs with a search_path without public: fixes then name public tables in full.
    const qualify = language === 'sql' && (model.history ?? []).some((e) => !e.searchPath.includes('public'));
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
        parsedFile: (path) =>
          group.files.includes(path) || group.downFiles.includes(path) ? parsedOf(path) : undefined,
        report: (r: Report) => {
          // A schema's finding on what only its migrations say (an adopted policy or partial index)
          // stands in their SQL: when the migrations get schema findings, their own lint has it.
          if (language === 'prisma' && schemaOnMigrations && !group.files.includes(r.range.file)) return;
          findings.push(
            toFinding(
              rule,
              configured ? severity : (r.severity ?? severity),
              keepFixes ? r : { ...r, fixes: [] },
            ),
          );
        },
      };
      try {
        withPublicQualified(qualify, () => rule.check(context));
      } catch (e) {
        findings.push(internalError(rule.meta.id, group.files[0] ?? '', e));
      }
    }
  };

  /** The SQL models of the project's other groups, migrations first (built once, on first ask). */
  const otherModels = (group: FileGroup): SchemaModel[] => {
    usedOtherModels = true;
    return [...groups]
      .filter((g) => g !== group)
      .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'migrations' ? -1 : 1))
      .map(modelOf);
  };

  /** A group's SQL model; what goes wrong building a left-out group's is its own lint's to report. */
  const modelOf = (group: FileGroup): SchemaModel => {
    const built = models.get(group);
    if (built) return built;
    const report = selected(group);
    const groupFilesParsed = group.files.flatMap((path) => {
      const p = parsedOf(path);
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
    // A file linted on its own, from the parse cache: last time's model, with the edited table
    // built again when that is all a keystroke changed.
    const single = groupFilesParsed.length === 1 && group.files.length === 1 && group.downFiles.length === 0;
    const path = group.files[0];
    const memos =
      options.keepModels && single && groupFilesParsed[0].parsed === parsed.get(path)
        ? options.parseCache?.models
        : undefined;
    // A file no longer linted that way (closed in the editor, or with other files) lets its model go.
    if (!memos && options.parseCache?.models.size)
      for (const f of group.files) options.parseCache.models.delete(f);
    const memo = memos?.get(path);
    if (memo) {
      const p = groupFilesParsed[0].parsed;
      const patched = memo.parsed === p ? memo.model : patchSqlModel(memo, p, path);
      if (patched) {
        if (patched === memo.model) incrementalStats.unchanged++;
        else incrementalStats.patched++;
        memo.parsed = p;
        memo.model = patched;
        models.set(group, patched);
        return patched;
      }
    }
    let failed = false;
    try {
      model = buildSqlModel(groupFilesParsed, {
        // A statement the model cannot apply is skipped; say so where it stands rather than hide it.
        onInternalError: (e, file, stmt) => {
          failed = true;
          if (!report) return;
          findings.push({
            ...internalError('model', file, e),
            severity: 'warning',
            start: stmt.start,
            end: stmt.end,
          });
        },
      });
    } catch (e) {
      failed = true;
      model = emptyModel();
      if (report) findings.push(internalError('model', group.files[0] ?? '', e));
    }
    if (memos) {
      incrementalStats.rebuilt++;
      // A model with a statement the builder failed on is built again each time, to say so.
      if (failed) memos.delete(path);
      else memos.set(path, { parsed: groupFilesParsed[0].parsed, model });
    }
    models.set(group, model);
    return model;
  };

  // Every SQL model exists before any rule runs: a file may use tables another group defines
  // (with `onlyFiles`, a left-out group's model is built when a rule first asks for it).
  for (const group of groups) if (selected(group)) modelOf(group);
  // The Prisma schema reads its migrations' model.
  if (prismaGroups.some(selected)) groups.forEach(modelOf);
  for (const group of groups) {
    if (!selected(group)) continue;
    const syntaxErrors: SyntaxErrorInfo[] = [];
    for (const path of [...group.files, ...group.downFiles]) {
      for (const err of parsed.get(path)?.errors ?? []) {
        syntaxErrors.push({ file: path, message: err.message, start: err.start, end: err.end });
      }
    }
    run(group, models.get(group)!, syntaxErrors);
  }

  for (const group of prismaGroups) {
    if (!selected(group)) continue;
    let model: SchemaModel;
    let syntaxErrors: SyntaxErrorInfo[] = [];
    try {
      const prismaMajor = prismaVersion(files, group);
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
    adoptFromPrismaMigrations(model, group, groups, models);
    models.set(group, model);
    run(group, model, syntaxErrors);
  }

  return {
    findings: suppress(findings, texts).sort(compareFindings),
    groups: [...groups, ...prismaGroups],
    models,
    parsed,
    parsedPrisma,
    usedOtherModels,
  };
}

/**
 * What a Prisma schema cannot say is written in the SQL of its migrations (a migration created with
 * `prisma migrate dev --create-only` and edited, or one that a fix of db-expert created): row-level
 * security and its policies, partial indexes (Prisma 7.4's `partialIndexes` preview feature aside),
 * CHECK constraints. The schema's tables take them from the SQL model of the project's Prisma
 * migrations, so that what the migrations do is not reported as missing from the schema.
 */
function adoptFromPrismaMigrations(
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
  let unknown: Map<string, RowLevelSecurity> | undefined;
  for (const [k, table] of model.tables) {
    const migrated = sql.tables.get(k);
    // A table the linted migrations alter but never create (the migration that did was not linted).
    const rls = migrated ? migrated.rls : (unknown ??= rowSecurityOfUnknownTables(sql)).get(k);
    if (rls) table.rls = { ...rls };
    model.policies.push(...sql.policies.filter((p) => tableKey(p.table) === k));
    for (const check of migrated?.constraints ?? []) {
      if (check.kind !== 'check' || table.constraints.some((c) => c.name === check.name)) continue;
      table.constraints.push(check);
    }
  }
  for (const index of sql.indexes.values()) {
    const k = key(index.schema, index.name);
    if (!index.predicateNode || !model.tables.has(tableKey(index.table)) || model.indexes.has(k)) continue;
    model.indexes.set(k, index);
  }
}

/** What each ALTER TABLE subcommand of row-level security sets. */
const ROW_SECURITY_COMMANDS: Record<string, Partial<RowLevelSecurity>> = {
  AT_EnableRowSecurity: { enabled: true },
  AT_DisableRowSecurity: { enabled: false },
  AT_ForceRowSecurity: { forced: true },
  AT_NoForceRowSecurity: { forced: false },
};

/**
 * ENABLE / FORCE ROW LEVEL SECURITY of the tables the SQL model does not know (an ALTER TABLE of
 * one changes nothing in the model), by table key, from the statements that built the model.
 */
function rowSecurityOfUnknownTables(sql: SchemaModel): Map<string, RowLevelSecurity> {
  const out = new Map<string, RowLevelSecurity>();
  for (const event of sql.history ?? []) {
    const target = event.kind === 'AlterTableStmt' ? event.tables[0] : undefined;
    if (!target || target.table) continue;
    const k = tableKey(target.name);
    for (const cmd of (event.node.cmds ?? []) as { AlterTableCmd?: { subtype?: string } }[]) {
      const change = ROW_SECURITY_COMMANDS[cmd.AlterTableCmd?.subtype ?? ''];
      if (change) out.set(k, { enabled: false, forced: false, ...out.get(k), ...change });
    }
  }
  return out;
}

/**
 * The Prisma major version a schema is written for: from the nearest package.json at or above its
 * folder that depends on Prisma (the CLI and the language server pass those with the files).
 */
function prismaVersion(files: readonly SourceFile[], group: FileGroup): number | undefined {
  const packages = new Map(
    files
      .filter((f) => f.path === 'package.json' || f.path.endsWith('/package.json'))
      .map((f) => [f.path, f.text]),
  );
  if (packages.size === 0) return undefined;
  const nearest = nearestPrismaPackage(group.folder ?? '', (path) => packages.get(path));
  return nearest && prismaMajorFromPackageJson(nearest.text);
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
  const perFile = new Map<string, { directives: ReturnType<typeof parseDirectives>; lines?: LineIndex }>();
  return findings.filter((f) => {
    let entry = perFile.get(f.file);
    if (!entry) {
      const text = texts.get(f.file) ?? '';
      const language = f.file.endsWith('.prisma') ? 'prisma' : 'sql';
      entry = { directives: parseDirectives(text, language) };
      perFile.set(f.file, entry);
    }
    if (entry.directives.length === 0) return true;
    // Lines are counted only in a file that has directives.
    entry.lines ??= new LineIndex(texts.get(f.file) ?? '');
    return !isSuppressed(entry.directives, f.ruleId, entry.lines.position(f.start).line);
  });
}
