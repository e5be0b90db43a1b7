import type { Rule } from './rule';

/** Statements PostgreSQL's own parser rejects, reported with its own message at its own cursor. */
export const syntaxError: Rule = {
  meta: {
    id: 'syntax-error',
    defaultSeverity: 'error',
    description: 'A statement that PostgreSQL cannot parse.',
    rationale:
      'The file is parsed by PostgreSQL’s own parser, so a statement it rejects will fail when the migration runs. The rest of the file is still checked.',
    example: {
      bad: 'CREATE TABLE users (id bigint PRIMARY KEY,, email text);',
      good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    },
    fixable: false,
    languages: ['sql', 'prisma'],
    category: 'syntax',
  },
  check(context) {
    for (const e of context.syntaxErrors) {
      context.report({ range: { file: e.file, start: e.start, end: e.end }, message: e.message });
    }
  },
};
