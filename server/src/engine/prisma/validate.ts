/**
 * Prisma's own validation, through @prisma/prisma-schema-wasm (the engine's `prisma-fmt` compiled
 * to WebAssembly): the errors and warnings `prisma validate` would print, each with its file and
 * UTF-16 range.
 *
 * Two things keep it honest:
 * - A panic inside the engine calls `globalThis.PRISMA_WASM_PANIC_REGISTRY.set_message`; without
 *   that object the panic hook itself throws and the process dies. It is set before the module
 *   loads, and a panic becomes an `engineError` in the result.
 * - The engine is the newest Prisma, and the user's may be older. Prisma 7 moved the datasource
 *   `url`, `directUrl` and `shadowDatabaseUrl` to prisma.config.ts, and the engine rejects them in
 *   the schema; for a Prisma before 7 they are left out (blanked, offsets kept) before validation,
 *   never reported as the user's error. A preview feature the engine no longer knows may have
 *   been valid in the user's version: it is reported as a warning unless the user's major is
 *   known to be the engine's or newer.
 */
import { createRequire } from 'node:module';
import type { SourceFile } from '../project';
import { blankKeepingLines, loadPrismaParser, parsePrisma } from '../parse/prisma';
import { acceptsDatasourceUrl, DATASOURCE_URL_PROPERTIES } from './version';

export interface PrismaDiagnostic {
  file: string;
  message: string;
  /** UTF-16 range in the file's text. */
  start: number;
  end: number;
}

export interface PrismaValidation {
  /** No errors (warnings allowed). */
  valid: boolean;
  errors: PrismaDiagnostic[];
  warnings: PrismaDiagnostic[];
  /** What was adjusted for the user's Prisma version before validating, in words. */
  adjustments: string[];
  /** The engine's version (the @prisma/prisma-schema-wasm package's). */
  engineVersion: string;
  /** Set when the engine itself failed (a panic): the schema could not be validated. */
  engineError?: string;
}

export interface ValidateOptions {
  /** The user's Prisma major version (see `prismaMajorFromPackageJson`), when known. */
  prismaMajor?: number;
}

interface SchemaWasm {
  lint(input: string): string;
  format(schema: string, params: string): string;
}

interface EngineDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

let engine: { wasm: SchemaWasm; version: string } | undefined;
let lastPanic: string | undefined;

function loadEngine(): { wasm: SchemaWasm; version: string } {
  if (engine) return engine;
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => {
      lastPanic = message;
    },
  };
  // Loaded at run time (never bundled: the module reads its .wasm file beside itself).
  const load = createRequire(__filename);
  const wasm = load('@prisma/prisma-schema-wasm') as SchemaWasm;
  const version = (load('@prisma/prisma-schema-wasm/package.json') as { version: string }).version;
  engine = { wasm, version };
  return engine;
}

/** The engine's major version: `8.1.0-2.59be…` → 8. */
export function prismaEngineMajor(): number {
  return Number(/^(\d+)/.exec(loadEngine().version)?.[1] ?? 0);
}

const UNKNOWN_PREVIEW_FEATURE = /^The preview feature "[^"]+" is not known\./;
const URL_NO_LONGER_SUPPORTED =
  /^The datasource property `(?:url|directUrl|shadowDatabaseUrl)` is no longer supported/;

/**
 * Validates a schema (one text, or the files of a multi-file schema) as the user's Prisma would.
 * Never throws for a bad schema; an engine failure is reported in `engineError`.
 */
export async function validatePrismaSchema(
  input: string | readonly SourceFile[],
  options: ValidateOptions = {},
): Promise<PrismaValidation> {
  const files = typeof input === 'string' ? [{ path: 'schema.prisma', text: input }] : [...input];
  const { wasm, version } = loadEngine();
  const engineMajor = prismaEngineMajor();
  const adjustments: string[] = [];
  const { prismaMajor } = options;

  await loadPrismaParser();
  const parsed = files.map((f) => parsePrisma(f.text));
  const keepUrl = acceptsDatasourceUrl(prismaMajor, parsed);
  const texts = files.map((f, i) => {
    if (!keepUrl || engineMajor < 7) return f.text;
    let text = f.text;
    for (const block of parsed[i].ast.blocks) {
      if (block.kind !== 'datasource') continue;
      for (const a of block.assignments) {
        if (!(DATASOURCE_URL_PROPERTIES as readonly string[]).includes(a.key)) continue;
        text = blankKeepingLines(text, a.start, a.end);
        adjustments.push(
          `${f.path}: datasource \`${a.key}\` left out (Prisma ${prismaMajor ?? '6 or earlier'} reads it from the schema; engine ${version} expects it in prisma.config.ts)`,
        );
      }
    }
    return text;
  });

  const result: PrismaValidation = {
    valid: true,
    errors: [],
    warnings: [],
    adjustments,
    engineVersion: version,
  };
  let diagnostics: EngineDiagnostic[];
  lastPanic = undefined;
  try {
    diagnostics = JSON.parse(
      wasm.lint(JSON.stringify(files.map((f, i) => [f.path, texts[i]]))),
    ) as EngineDiagnostic[];
  } catch (e) {
    result.valid = false;
    result.engineError = lastPanic ?? (e instanceof Error ? e.message : String(e));
    return result;
  }
  const olderUser = prismaMajor === undefined || prismaMajor < engineMajor;
  for (const d of diagnostics) {
    const diagnostic = { file: d.file_name, message: d.text, start: d.start, end: d.end };
    if (!d.is_warning && keepUrl && URL_NO_LONGER_SUPPORTED.test(d.text)) continue;
    if (!d.is_warning && olderUser && UNKNOWN_PREVIEW_FEATURE.test(d.text)) {
      adjustments.push(
        `${d.file_name}: an unknown preview feature is reported as a warning (it may exist in the Prisma version used)`,
      );
      result.warnings.push(diagnostic);
      continue;
    }
    (d.is_warning ? result.warnings : result.errors).push(diagnostic);
  }
  result.valid = result.errors.length === 0;
  return result;
}

/**
 * What `prisma format` makes of a schema (one text, or the files of a multi-file schema), file by
 * file. Throws when the engine fails.
 */
export function formatPrismaSchema(input: string | readonly SourceFile[]): SourceFile[] {
  const files = typeof input === 'string' ? [{ path: 'schema.prisma', text: input }] : [...input];
  const { wasm } = loadEngine();
  const params = {
    textDocument: { uri: 'file:///schema.prisma' },
    options: { tabSize: 2, insertSpaces: true },
  };
  lastPanic = undefined;
  try {
    const out = JSON.parse(
      wasm.format(JSON.stringify(files.map((f) => [f.path, f.text])), JSON.stringify(params)),
    ) as [string, string][];
    return out.map(([path, text]) => ({ path, text }));
  } catch (e) {
    throw new Error(lastPanic ?? (e instanceof Error ? e.message : String(e)));
  }
}
