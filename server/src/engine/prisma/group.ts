/**
 * Which `.prisma` files form one schema. A Prisma schema is one file, or a folder of files that
 * Prisma reads as one (Prisma 5.15+'s `prismaSchemaFolder`, GA in 6.7: `prisma/schema/*.prisma`,
 * subfolders included): the files are merged before anything is validated or migrated.
 *
 * The folder of a file that declares a `datasource` is a schema root; every `.prisma` file in that
 * folder or below it (down to a deeper root) belongs to that schema. Files under no root form one
 * schema per folder. A folder with two datasources holds two separate schemas: each of its files
 * is then a schema of its own.
 */
import type { FileGroup } from '../project';

const DATASOURCE = /^[ \t]*datasource[ \t]+[A-Za-z][\w-]*[ \t]*\{/m;

export function isPrismaFile(path: string): boolean {
  return path.toLowerCase().endsWith('.prisma');
}

/** Groups the project's `.prisma` files into schemas (other files are ignored). */
export function groupPrismaFiles(files: readonly { path: string; text: string }[]): FileGroup[] {
  const prisma = files.filter((f) => isPrismaFile(f.path));
  const datasourcesIn = new Map<string, number>();
  for (const f of prisma) {
    if (!DATASOURCE.test(stripComments(f.text))) continue;
    const dir = folderOf(f.path);
    datasourcesIn.set(dir, (datasourcesIn.get(dir) ?? 0) + 1);
  }
  const roots = [...datasourcesIn.keys()].sort((a, b) => b.length - a.length);
  const groups = new Map<string, string[]>();
  for (const f of prisma) {
    const dir = folderOf(f.path);
    const root = roots.find((r) => r === '' || dir === r || dir.startsWith(`${r}/`));
    let k: string;
    if (root !== undefined && (datasourcesIn.get(root) ?? 0) === 1) k = `root:${root}`;
    else if (root !== undefined && dir === root) k = `file:${f.path}`;
    else k = `dir:${dir}`;
    groups.set(k, [...(groups.get(k) ?? []), f.path]);
  }
  return [...groups.entries()]
    .map(([k, paths]) => ({
      kind: 'standalone' as const,
      files: paths.sort(),
      downFiles: [],
      folder: k.startsWith('file:') ? folderOf(paths[0]) : k.slice(k.indexOf(':') + 1),
      migrations: new Map(),
    }))
    .sort((a, b) => (a.files[0] < b.files[0] ? -1 : 1));
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** Comments out of the way of the datasource test (a commented-out datasource is none). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
}
