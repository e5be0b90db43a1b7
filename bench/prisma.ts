/**
 * How fast are Prisma schemas linted?
 *
 *   node --import tsx bench/prisma.ts [corpus-folder]
 *
 * Lints a generated 150-model schema (deterministic: `generatePrismaSchema()`, laid out by
 * `prisma format`) and the real schemas of the corpus (documenso: one file; formbricks: two files),
 * and prints, per schema, the median of N runs after a warm-up of:
 *   parse     parsePrisma of every file (the grammar, our CST reading, recovery);
 *   build     buildPrismaModel (the schema model every rule reads);
 *   lint      lintProject with every rule (parse + build + rules + fixes);
 *   validate  Prisma's own engine (prisma validate), for scale;
 *   fix       the `--fix` loop over the schema (lint, apply, lint again … until nothing applies).
 * Numbers only; tests never assert on time. The corpus folder defaults to $DB_EXPERT_CORPUS, else
 * ../shared/corpus next to the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runFixLoop } from '../server/src/cli/fix';
import { lintProject } from '../server/src/engine/lint';
import { buildPrismaModel } from '../server/src/engine/model/build-prisma';
import { loadPrismaParser, parsePrisma } from '../server/src/engine/parse/prisma';
import { loadSqlParser } from '../server/src/engine/parse/sql';
import { formatPrismaSchema, validatePrismaSchema } from '../server/src/engine/prisma/validate';
import type { SourceFile } from '../server/src/engine/project';
import { prng } from '../test/support/corpus';

const N = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);

// ── the generated schema ─────────────────────────────────────────────────────────────────────

const AREAS = ['', 'Billing', 'Crm', 'Support', 'Ops'];
const NOUNS = [
  'Account',
  'Invoice',
  'Payment',
  'Shipment',
  'Warehouse',
  'Product',
  'Category',
  'Review',
  'Ticket',
  'Comment',
  'Attachment',
  'Subscription',
  'Plan',
  'Coupon',
  'Refund',
  'Address',
  'Contact',
  'Lead',
  'Opportunity',
  'Campaign',
  'Segment',
  'Webhook',
  'ApiKey',
  'AuditEvent',
  'Notification',
  'Message',
  'Thread',
  'Channel',
  'Project',
  'Task',
];

const ENUMS: Record<string, string[]> = {
  Status: ['draft', 'active', 'archived'],
  Priority: ['low', 'normal', 'high', 'urgent'],
  Currency: ['EUR', 'USD', 'GBP'],
};

interface KeyShape {
  type: string;
  attributes: string;
}

const KEYS: KeyShape[] = [
  { type: 'BigInt', attributes: '@id @default(autoincrement())' },
  { type: 'BigInt', attributes: '@id @default(autoincrement())' },
  { type: 'BigInt', attributes: '@id @default(autoincrement())' },
  { type: 'Int', attributes: '@id @default(autoincrement())' },
  { type: 'String', attributes: '@id @default(uuid()) @db.Uuid' },
  { type: 'String', attributes: '@id @default(cuid())' },
];

/**
 * A 150-model schema of a business application (five areas of thirty entities): keys of every
 * kind Prisma projects use, relations to earlier models (with and without onDelete and @@index),
 * money, flags, timestamps with and without time zone, JSON, enums, soft deletes, mapped names.
 * Most of it is done right and some of it is not, in the proportions real schemas show. Laid out
 * by `prisma format`.
 */
export function generatePrismaSchema(models = 150, seed = 20250101): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const names: string[] = [];
  for (const area of AREAS) for (const noun of NOUNS) names.push(area + noun);
  const count = Math.min(models, names.length);
  const keys = names.slice(0, count).map(() => pick(KEYS));
  const fields: string[][] = names.slice(0, count).map(() => []);
  const blockAttributes: string[][] = names.slice(0, count).map(() => []);

  for (let i = 0; i < count; i++) {
    const name = names[i];
    const key = keys[i];
    const f = fields[i];
    const b = blockAttributes[i];
    f.push(`id ${key.type} ${key.attributes}`);
    f.push('name String');
    if (chance(0.4)) f.push('description String?');
    // Relations to up to three earlier models.
    const targets = new Set<number>();
    for (let r = 0; r < 3 && i > 0; r++) if (chance(0.55)) targets.add(Math.floor(rnd() * i));
    for (const t of targets) {
      const target = names[t];
      const field = target[0].toLowerCase() + target.slice(1);
      const optional = chance(0.25);
      const onDelete = chance(0.7)
        ? `, onDelete: ${optional ? pick(['SetNull', 'Cascade']) : pick(['Cascade', 'Restrict'])}`
        : '';
      const native = keys[t].attributes.includes('@db.Uuid') ? ' @db.Uuid' : '';
      f.push(
        `${field} ${target}${optional ? '?' : ''} @relation(fields: [${field}Id], references: [id]${onDelete})`,
      );
      f.push(`${field}Id ${keys[t].type}${optional ? '?' : ''}${native}`);
      fields[t].push(`${name[0].toLowerCase()}${name.slice(1)}s ${name}[]`);
      if (chance(0.75)) b.push(`@@index([${field}Id])`);
    }
    if (chance(0.35)) f.push(`status Status @default(draft)`);
    if (chance(0.2)) f.push(`priority Priority @default(normal)`);
    if (chance(0.3)) {
      f.push(chance(0.8) ? 'amount Decimal @db.Decimal(12, 2)' : 'amount Float');
      f.push('currency Currency @default(EUR)');
    }
    if (chance(0.3)) f.push(chance(0.8) ? 'isActive Boolean @default(true)' : 'isActive Boolean?');
    if (chance(0.25)) f.push(chance(0.7) ? 'metadata Json?' : 'metadata Json? @db.Json');
    if (chance(0.2)) f.push(chance(0.7) ? 'externalRef String? @unique' : 'externalRef String?');
    if (chance(0.15)) f.push('sortOrder Int @default(0)');
    const tz = chance(0.6) ? ' @db.Timestamptz(3)' : '';
    if (chance(0.85)) {
      f.push(`createdAt DateTime @default(now())${tz}`);
      f.push(`updatedAt DateTime @updatedAt${tz}`);
    }
    if (chance(0.15)) f.push(`deletedAt DateTime?${tz}`);
    if (chance(0.1)) b.push('@@index([name])');
  }

  const out: string[] = ['datasource db {\n  provider = "postgresql"\n}\n'];
  out.push('generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n');
  for (const [name, values] of Object.entries(ENUMS)) {
    out.push(`enum ${name} {\n${values.map((v) => `  ${v}`).join('\n')}\n}\n`);
  }
  for (let i = 0; i < count; i++) {
    const body = fields[i].map((x) => `  ${x}`).join('\n');
    const attributes =
      blockAttributes[i].length > 0 ? `\n\n${blockAttributes[i].map((x) => `  ${x}`).join('\n')}` : '';
    out.push(`model ${names[i]} {\n${body}${attributes}\n}\n`);
  }
  return formatPrismaSchema(out.join('\n'))[0].text;
}

// ── timing ───────────────────────────────────────────────────────────────────────────────────

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function time(f: () => unknown): Promise<number> {
  await f();
  const runs: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await f();
    runs.push(performance.now() - t);
  }
  return median(runs);
}

async function bench(label: string, files: SourceFile[]): Promise<void> {
  const parse = await time(() => files.map((f) => parsePrisma(f.text)));
  const parsed = files.map((f) => ({ ...f, parsed: parsePrisma(f.text) }));
  const build = await time(() => buildPrismaModel(parsed));
  const { model } = buildPrismaModel(parsed);
  let findings = 0;
  const lint = await time(async () => {
    findings = (await lintProject(files)).findings.length;
  });
  const validate = await time(() => validatePrismaSchema(files));
  let passes = 0;
  const fix = await time(async () => {
    const outcome = await runFixLoop({
      files,
      lint: async (fs) => (await lintProject(fs)).findings,
      exists: () => false,
    });
    passes = outcome.passes;
  });
  const kb = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 1024;
  const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(10);
  console.log(
    [
      label.padEnd(24),
      String(model.tables.size).padStart(6),
      kb.toFixed(0).padStart(5),
      ms(parse),
      ms(build),
      ms(lint),
      ms(validate),
      ms(fix),
      `  ${findings} findings, fixed in ${passes} passes`,
    ].join(''),
  );
}

function corpusProject(corpus: string, dir: string, as: string): SourceFile[] {
  const abs = join(corpus, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith('.prisma'))
    .sort()
    .map((f) => ({ path: `${as}/${f}`, text: readFileSync(join(abs, f), 'utf8') }));
}

async function main(): Promise<void> {
  await Promise.all([loadPrismaParser(), loadSqlParser()]);
  const corpus =
    process.argv[2] ?? process.env.DB_EXPERT_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus');
  console.log(`median of ${N} runs after a warm-up; load average ${loadavg()[0].toFixed(2)}`);
  console.log(
    [
      'schema'.padEnd(24),
      'tables'.padStart(6),
      'KB'.padStart(5),
      ...['parse', 'build', 'lint', 'validate', 'fix'].map((h) => h.padStart(10)),
    ].join(''),
  );
  await bench('generated (150 models)', [{ path: 'prisma/schema.prisma', text: generatePrismaSchema() }]);
  const documenso = corpusProject(corpus, 'documenso/packages/prisma', 'packages/prisma');
  if (documenso.length > 0) await bench('documenso', documenso);
  const formbricks = corpusProject(corpus, 'formbricks/packages/database/schema', 'packages/database/schema');
  if (formbricks.length > 0) await bench('formbricks (2 files)', formbricks);
  if (documenso.length === 0 && formbricks.length === 0)
    console.log(`corpus not found at ${corpus}: skipped`);
}

if (require.main === module) void main();
