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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const pkg = json as Record<string, unknown>;
  for (const name of ['prisma', '@prisma/client']) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (!deps || typeof deps !== 'object') continue;
      const spec = (deps as Record<string, unknown>)[name];
      if (typeof spec !== 'string') continue;
      const major = majorOfSpec(spec);
      if (major !== undefined) return major;
    }
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
