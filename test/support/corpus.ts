/**
 * What the tests and benchmarks share to read real SQL and to vary input reproducibly: where the
 * shared corpus is (beside the repository, or DB_EXPERT_CORPUS), its files, and a seeded generator.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The shared corpus of real projects' SQL and Prisma files. */
export const CORPUS = process.env.DB_EXPERT_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus');

/** The `.sql` files below `dir`, at any depth, in name order (absolute paths). */
export function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? sqlFilesUnder(p) : p.endsWith('.sql') ? [p] : [];
    });
}

/** mulberry32: a small seeded generator, so that every run makes the same input. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
