/**
 * Which Prisma major version a project uses: it decides what its schema may say (Prisma 7 moved
 * the datasource `url` to prisma.config.ts) and what `prisma migrate` creates (Prisma 6 keys an
 * implicit many-to-many join table with a primary key, Prisma 5 with a unique index).
 */
import type { ParsedPrisma } from '../parse/prisma';

/** Datasource properties that Prisma 7 no longer accepts in the schema. */
export const DATASOURCE_URL_PROPERTIES = ['url', 'directUrl', 'shadowDatabaseUrl'] as const;

/**
 * The major version of `prisma` (else `@prisma/client`) in a package.json's dependencies:
 * `"^6.1.0"` → 6, `"~5.22"` → 5, `"npm:prisma@7.0.0"` → 7. Undefined when absent, unparsable, or
 * not a version (`latest`, `*`, `workspace:*`, `catalog:`).
 */
export function prismaMajorFromPackageJson(text: string): number | undefined {
  for (const spec of prismaSpecs(text)) {
    const major = majorOfSpec(spec);
    if (major !== undefined) return major;
  }
  return undefined;
}

/** Whether a package.json depends on `prisma` or `@prisma/client`, whatever the version it names. */
export function dependsOnPrisma(text: string): boolean {
  return prismaSpecs(text).length > 0;
}

/** The version specs of `prisma`, then `@prisma/client`, in a package.json's dependency lists. */
function prismaSpecs(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (!json || typeof json !== 'object') return [];
  const pkg = json as Record<string, unknown>;
  const specs: string[] = [];
  for (const name of ['prisma', '@prisma/client']) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (!deps || typeof deps !== 'object') continue;
      const spec = (deps as Record<string, unknown>)[name];
      if (typeof spec === 'string') specs.push(spec);
    }
  }
  return specs;
}

/**
 * The package.json files that may say which Prisma a schema in `folder` is written for, nearest
 * first: `prisma/package.json`, then `package.json` for `prisma` (root-relative, `/`-separated).
 */
export function packageJsonsAbove(folder: string): string[] {
  const out: string[] = [];
  for (let dir = folder; ; dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '') {
    out.push(dir === '' ? 'package.json' : `${dir}/package.json`);
    if (dir === '') return out;
  }
}

/**
 * The package.json of each Prisma schema among `paths`: the nearest one at or above the schema's
 * folder that depends on Prisma (`read` gives a root-relative file's text, undefined when there is
 * none). What the CLI and the language server hand the engine beside the files it lints.
 */
export function prismaPackageJsons(
  paths: readonly string[],
  read: (path: string) => string | undefined,
): { path: string; text: string }[] {
  const texts = new Map<string, string | undefined>();
  const cached = (path: string): string | undefined => {
    if (!texts.has(path)) texts.set(path, read(path));
    return texts.get(path);
  };
  const found = new Map<string, string>();
  for (const path of paths) {
    if (!path.toLowerCase().endsWith('.prisma')) continue;
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const nearest = nearestPrismaPackage(folder, cached);
    if (nearest) found.set(nearest.path, nearest.text);
  }
  return [...found].map(([path, text]) => ({ path, text }));
}

/** The nearest package.json at or above `folder` that depends on Prisma. */
export function nearestPrismaPackage(
  folder: string,
  read: (path: string) => string | undefined,
): { path: string; text: string } | undefined {
  for (const path of packageJsonsAbove(folder)) {
    const text = read(path);
    if (text !== undefined && dependsOnPrisma(text)) return { path, text };
  }
  return undefined;
}

function majorOfSpec(spec: string): number | undefined {
  const version = spec.replace(/^npm:(?:@[^/]+\/)?[^@]+@/, '').trim();
  if (/^(?:workspace|catalog|file|link|git|github|https?):/.test(version)) return undefined;
  const m = /^[\^~>=v\s]*(\d+)(?:\.|$|\s|-|x)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** True when a datasource block of the schema writes `url`, `directUrl` or `shadowDatabaseUrl`. */
export function datasourceUrlWritten(files: readonly ParsedPrisma[]): boolean {
  return files.some((f) =>
    f.ast.blocks.some(
      (b) =>
        b.kind === 'datasource' &&
        b.assignments.some((a) => (DATASOURCE_URL_PROPERTIES as readonly string[]).includes(a.key)),
    ),
  );
}

/**
 * Whether the user's Prisma accepts `url` in the datasource: a known major before 7; with no known
 * version, a schema that writes one (it would not work with the Prisma it is used with otherwise).
 */
export function acceptsDatasourceUrl(
  prismaMajor: number | undefined,
  files: readonly ParsedPrisma[],
): boolean {
  return prismaMajor !== undefined ? prismaMajor < 7 : datasourceUrlWritten(files);
}

/**
 * Whether the schema may declare a partial index (`@@index([id], where: …)`): the generator lists
 * the `partialIndexes` preview feature (Prisma 7.4 and later), and the project's Prisma is not
 * known to be older than 7 (the feature is not in Prisma 6, which would reject the schema).
 */
export function partialIndexesEnabled(
  info: { previewFeatures: readonly string[]; prismaMajor?: number } | undefined,
): boolean {
  if (!info?.previewFeatures.includes('partialIndexes')) return false;
  return info.prismaMajor === undefined || info.prismaMajor >= 7;
}
