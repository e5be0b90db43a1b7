/**
 * prisma-ast's ES module build, loaded with `import()` (see `loadPrismaParser`): its CommonJS
 * build `require`s chevrotain, which is an ES module only. Same API as the package's main entry.
 */
declare module '@mrleebo/prisma-ast/dist/prisma-ast.esm.js' {
  export * from '@mrleebo/prisma-ast';
}
