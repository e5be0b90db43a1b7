import type { Rule } from './rule';

/**
 * Statements PostgreSQL rejects when the migrations run, in order, in an embedded PostgreSQL 18
 * (`db-expert lint --verify`). The run needs PGlite and is asynchronous, so it happens outside the
 * rules: the rule reports what the run found when the lint is given its failures, and nothing
 * otherwise.
 */
export const migrationFails: Rule = {
  meta: {
    id: 'migration-fails',
    defaultSeverity: 'error',
    description: 'A migration statement that PostgreSQL rejects when the migrations run in order (--verify).',
    rationale:
      'A migration history that does not run cannot build a new database: a fresh environment, a CI database or a disaster recovery stops at the failing statement. With --verify, every migration runs in order in an embedded PostgreSQL 18, and each statement it rejects is reported with PostgreSQL’s own message.',
    example: {
      bad: 'CREATE INDEX orders_customer_id_idx ON order (customer_id); -- the table is "orders"',
      good: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    },
    fixable: false,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    for (const f of context.verifyFailures) {
      context.report({ range: { file: f.file, start: f.start, end: f.end }, message: f.message });
    }
  },
};
