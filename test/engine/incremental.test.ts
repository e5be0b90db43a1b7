/**
 * A keystroke in a file linted on its own patches the previous model (`patchSqlModel`) instead of
 * building the file again, on a padded text (`PaddedText`) that keeps the other statements where
 * they were. It must report exactly what a cold lint of the file reports, after any edit: where it
 * patches (typing in a table's statements) and where it must not (whatever makes that table's
 * statements act differently when replayed alone).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateSchema } from '../../bench/generate-schema';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../../server/src/engine/config/config';
import type { Finding } from '../../server/src/engine/findings';
import { lintProject, ParseCache } from '../../server/src/engine/lint';
import { incrementalStats } from '../../server/src/engine/model/incremental';
import type { SchemaModel } from '../../server/src/engine/model/schema';
import { PaddedText, paddedText } from '../../server/src/engine/padded';
import { splitStatements } from '../../server/src/engine/parse/split';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import { LineIndex } from '../../server/src/engine/text';
import { tableCards } from '../../server/src/lsp/analyze';
import { CORPUS, prng } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

const PATH = 'schema.sql';

/** A file typed in, keystroke after keystroke, as the language server lints it. */
class Typing {
  private readonly parses = new ParseCache();
  private readonly pad = new PaddedText();
  /** The ways the models of the keystrokes so far were made. */
  readonly ways: ('patched' | 'unchanged' | 'rebuilt')[] = [];

  constructor(readonly path = PATH) {}

  async lint(
    text: string,
    config?: ResolvedConfig,
  ): Promise<{ findings: Finding[]; model: SchemaModel; padded: string }> {
    const before = { ...incrementalStats };
    const padded = await paddedText(this.pad, this.path, text, this.parses);
    const result = await lintProject([{ path: this.path, text: padded }], {
      parseCache: this.parses,
      keepModels: true,
      ...(config ? { config } : {}),
    });
    for (const way of ['patched', 'unchanged', 'rebuilt'] as const) {
      if (incrementalStats[way] !== before[way]) this.ways.push(way);
    }
    const model = [...result.models.values()][0];
    return { findings: result.findings.map((f) => this.pad.findingToFile(f, this.path)), model, padded };
  }

  count(way: 'patched' | 'unchanged' | 'rebuilt'): number {
    return this.ways.filter((w) => w === way).length;
  }
}

/** What a model says, as the hover's table cards show it (with lines, which pads never change). */
function summary(model: SchemaModel, text: string): unknown {
  const lines = new LineIndex(text);
  return {
    cards: tableCards(model, { loc: (r) => ({ file: r.file, line: lines.position(r.start).line }) }, true),
    history: model.history?.map((e) => e.kind),
    schemas: [...model.schemas].sort(),
  };
}

/** Lints `text` cold and through `typing`: the same findings, and the same model. */
async function same(typing: Typing, text: string, label: string, config?: ResolvedConfig): Promise<void> {
  const warm = await typing.lint(text, config);
  const cold = await lintProject([{ path: typing.path, text }], config ? { config } : {});
  assert.deepEqual(warm.findings, cold.findings, `${label}: findings`);
  const coldModel = [...cold.models.values()][0];
  assert.deepEqual(summary(warm.model, warm.padded), summary(coldModel, text), `${label}: model`);
}

/** `text` with `insert` typed after the first occurrence of `after`. */
function typeAfter(text: string, after: string, insert: string): string {
  const at = text.indexOf(after);
  assert.ok(at >= 0, `no ${after}`);
  return text.slice(0, at + after.length) + insert + text.slice(at + after.length);
}

const SCHEMA = `CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  customer_id uuid,
  amount float8,
  status text,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_tenant_idx ON invoices (tenant_id, status);
COMMENT ON TABLE invoices IS 'Invoices sent to customers';
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices USING (tenant_id = current_setting('app.tenant')::uuid);
CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id uuid REFERENCES invoices,
  paid_at timestamp
);
`;

describe('patchSqlModel', () => {
  test('typing in a table patches the model, and it says what a cold lint says', async () => {
    const typing = new Typing();
    await same(typing, SCHEMA, 'start');
    let text = SCHEMA;
    const steps: [string, string][] = [
      ['customer_id', 'x'], // a column's name
      ['amount float8', '\n'], // a line break inside the table
      ['status text', ' NOT NULL'], // a constraint
      ['ON invoices (tenant_id, status', ', deleted_at'], // an index
      ["'Invoices sent", ' out'], // a comment's text
      ['USING (tenant_id', ' '], // a policy
      ['paid_at timestamp', 'tz'], // the last table
    ];
    for (const [after, insert] of steps) {
      text = typeAfter(text, after, insert);
      await same(typing, text, `typed ${JSON.stringify(insert)} after ${after}`);
    }
    // And back, one keystroke at a time.
    for (const [after, insert] of [...steps].reverse()) {
      const at = text.indexOf(after) + after.length;
      text = text.slice(0, at) + text.slice(at + insert.length);
      await same(typing, text, `deleted ${JSON.stringify(insert)} after ${after}`);
    }
    assert.equal(text, SCHEMA);
    assert.ok(typing.count('patched') >= 12, `patched ${typing.count('patched')} of ${typing.ways.length}`);
  });

  /**
   * Each case: a schema, and keystrokes that replaying the edited table alone would get wrong. The
   * model is built again, and the findings are a cold lint's.
   */
  const typed = (text: string, after: string, insert: string): string[] => [
    text,
    ...[...insert].map((_, i) => typeAfter(text, after, insert.slice(0, i + 1))),
    text,
  ];
  const guarded: { name: string; texts: string[] }[] = [
    {
      name: 'a foreign key without columns to a table created after it',
      texts: typed(
        'CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b);\nCREATE TABLE b (id int PRIMARY KEY);\n',
        'CREATE TABLE a (id',
        'x',
      ),
    },
    {
      name: 'a foreign key without columns to a table whose primary key comes later',
      texts: typed(
        'CREATE TABLE b (id int);\nCREATE TABLE a (b_id int REFERENCES b);\nALTER TABLE b ADD PRIMARY KEY (id);\n',
        'CREATE TABLE a (b_id',
        'x',
      ),
    },
    {
      name: "a changed primary key that another table's foreign key took without columns",
      texts: typed(
        'CREATE TABLE p (id int PRIMARY KEY, code int);\nCREATE TABLE c (p_id int REFERENCES p);\n',
        'CREATE TABLE p (id int PRIMARY KEY, code int',
        ' PRIMARY KEY',
      ),
    },
    {
      name: 'a primary key that a later one replaces, taken by a foreign key in between',
      texts: typed(
        'CREATE TABLE t (a int, b bigint, PRIMARY KEY (a));\nCREATE TABLE u (x int REFERENCES t);\nALTER TABLE t ADD PRIMARY KEY (b);\n',
        'CREATE TABLE t (a int, b bigint',
        'x',
      ),
    },
    {
      name: 'a constraint name another table got numbered for',
      texts: typed(
        'CREATE TABLE t (x_y int CHECK (x_y > 0));\nCREATE TABLE t_x (y int CHECK (y > 0));\n',
        'CREATE TABLE t (x_y',
        'z',
      ),
    },
    {
      name: 'names numbered because of a table created again later',
      texts: typed(
        'CREATE TABLE t_a (b int);\nCREATE INDEX ON t_a (b);\nCREATE TABLE t (a_b int, x int);\nCREATE INDEX ON t (a_b);\nCREATE INDEX ON t (a_b);\nCREATE TABLE t_a (b int);\n',
        'CREATE TABLE t (a_b int, x',
        'y',
      ),
    },
    {
      name: 'an index IF NOT EXISTS skipped for a name that is gone later',
      texts: typed(
        'CREATE TABLE u (a int);\nCREATE INDEX i ON u (a);\nCREATE TABLE t (a int, b int);\nCREATE INDEX IF NOT EXISTS i ON t (a);\nCREATE INDEX ON t (a);\nCREATE TABLE u (a int);\n',
        'CREATE TABLE t (a int, b',
        'x',
      ),
    },
    {
      name: "an index named as another table's",
      texts: typed(
        'CREATE TABLE a (x int);\nCREATE TABLE b (y int);\nCREATE INDEX i ON a (x);\nCREATE INDEX i ON b (y);\n',
        'CREATE INDEX i ON a (x',
        'x',
      ),
    },
    {
      name: "an index name typed through another table's",
      texts: typed(
        'CREATE TABLE u (a int);\nCREATE TABLE t (a int);\nCREATE INDEX i_a ON u (a);\nCREATE INDEX ON u (a);\nCREATE INDEX i ON t (a);\n',
        'ON u (a);\nCREATE INDEX i',
        '_ab',
      ),
    },
    {
      name: 'a constraint made of an index created later on another table (USING INDEX)',
      texts: typed(
        'CREATE TABLE t (a int, b int);\nCREATE TABLE u (a int);\nALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX ui;\nCREATE UNIQUE INDEX ui ON u (a);\nCREATE INDEX ON u (a);\n',
        'CREATE TABLE t (a int, b',
        'x',
      ),
    },
    {
      name: 'names shortened to 63 bytes (of characters that take two)',
      texts: typed(
        `CREATE TABLE "a${'é'.repeat(28)}p" (x int UNIQUE);\nCREATE TABLE "a${'é'.repeat(28)}q" (x int UNIQUE);\nCREATE INDEX ON "a${'é'.repeat(28)}q" (x);\n`,
        'p" (x',
        'y',
      ),
    },
    {
      name: 'a statement of a table pasted over by another kind of statement on it',
      texts: [
        "CREATE TABLE tenants (id uuid PRIMARY KEY, tenant_id uuid);\nCREATE TABLE tenant (id uuid PRIMARY KEY, tenant_id uuid);\nCOMMENT ON TABLE tenants IS 'x';\n",
        'CREATE TABLE tenants (id uuid PRIMARY KEY, tenant_id uuid);\nCREATE TABLE tenant (id uuid PRIMARY KEY, tenant_id uuid);\nCREATE TABLE tenants (id uuid PRIMARY KEY, tenant_id uuid);\n',
      ],
    },
    {
      name: 'a file that drops a table',
      texts: typed(
        'CREATE TABLE a (x int);\nCREATE TABLE b (y int);\nDROP TABLE b;\n',
        'CREATE TABLE a (x',
        'x',
      ),
    },
    {
      name: 'a file that renames a table',
      texts: typed(
        'CREATE TABLE a (x int);\nALTER TABLE a RENAME TO b;\nCREATE INDEX ON b (x);\n',
        'CREATE INDEX ON b (x',
        'x',
      ),
    },
    {
      name: 'names found by a search_path of two schemas',
      texts: typed(
        'CREATE SCHEMA app;\nSET search_path = app, public;\nCREATE TABLE a (x int);\nCREATE INDEX ON a (x);\n',
        'CREATE INDEX ON a (x',
        'x',
      ),
    },
    {
      name: "a partitioned table's column (its partitions have it too)",
      texts: typed(
        "CREATE TABLE m (at date, note text) PARTITION BY RANGE (at);\nCREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
        'CREATE TABLE m (at date, note',
        's',
      ),
    },
  ];
  for (const c of guarded) {
    test(`builds the model again for ${c.name}`, async () => {
      const typing = new Typing();
      for (const [i, text] of c.texts.entries()) await same(typing, text, `text ${i + 1}`);
      // The last keystroke typed (before it is taken back) is the one a replay would get wrong.
      const last = c.texts.length === 2 ? 1 : c.texts.length - 2;
      assert.notEqual(typing.ways[last], 'patched', typing.ways.join(', '));
    });
  }

  test("a migration's kept model, and what the tool does with the file as it is now", async () => {
    // A comment that tells Flyway to run the file outside a transaction, typed after the last
    // statement: no statement changes, the model is kept, the transaction is the new text's.
    const typing = new Typing('db/migration/V1__init.sql');
    const text = 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);\n';
    await same(typing, text, 'start');
    const comment = '-- flyway:executeInTransaction=false\n';
    for (let i = 1; i <= comment.length; i += 7) await same(typing, text + comment.slice(0, i), `typed ${i}`);
    await same(typing, text + comment, 'typed');
    await same(typing, text, 'deleted');
    assert.ok(typing.count('unchanged') > 0, typing.ways.join(', '));
    // The same text, another tool: its transaction, not the last lint's.
    const supabase = new Typing('db/migration/20240101000000_init.sql');
    await same(supabase, text, 'numbered');
    const config: ResolvedConfig = {
      ...DEFAULT_CONFIG,
      migrations: [{ path: 'db/migration', tool: 'supabase' }],
    };
    await same(supabase, text, 'configured as supabase', config);
  });

  test('text a fix copies from a statement has no pad in it', async () => {
    // golang-migrate: a down migration made for an up migration says what it cannot reverse.
    const typing = new Typing('migrations/1_init.up.sql');
    const text = 'CREATE TABLE t (a int);\nUPDATE t SET a = 1;\n';
    await same(typing, text, 'start');
    await same(typing, typeAfter(text, 'SET a = 1', '0'), 'typed');
    const { findings } = await typing.lint(text);
    const created = findings.flatMap((f) => f.fixes.flatMap((x) => x.createFiles ?? []));
    assert.ok(
      created.some((c) => c.text.includes('UPDATE t SET a = 1;')),
      JSON.stringify(created),
    );
  });

  test('a keystroke that leaves every statement as it was keeps the model', async () => {
    const typing = new Typing();
    const text = `${SCHEMA}-- the end\n`;
    await same(typing, text, 'start');
    await same(typing, `${text}-- more\n`, 'a comment after the last statement');
    assert.deepEqual(typing.ways.slice(1), ['unchanged']);
  });
});

/** Random keystrokes, mostly where the last one was, as a user types. */
async function randomTyping(name: string, start: string, seed: number, edits: number): Promise<Typing> {
  const random = prng(seed);
  const typing = new Typing();
  let text = start;
  let at = 0;
  const moveTo = () => {
    // The end of a name somewhere (a snake_case one, not a keyword): where typing goes on without
    // breaking the statement.
    const m = /\b[a-z][a-z0-9]*_[a-z0-9_]*/g;
    m.lastIndex = Math.floor(random() * text.length);
    const w = m.exec(text);
    at = w ? w.index + w[0].length : text.length;
  };
  moveTo();
  for (let k = 0; k < edits; k++) {
    if (random() < 0.12) moveTo();
    const r = random();
    if (r < 0.5) text = text.slice(0, at) + 'xyz_'[Math.floor(random() * 4)] + text.slice(at++);
    else if (r < 0.75 && at > 0) text = text.slice(0, --at) + text.slice(at + 1);
    else if (r < 0.85) text = text.slice(0, at) + '\n' + text.slice(at++);
    else if (r < 0.93) text = text.slice(0, at) + ' ' + text.slice(at++);
    else text = text.slice(0, at) + "();,'"[Math.floor(random() * 5)] + text.slice(at++);
    await same(typing, text, `${name}, keystroke ${k + 1}`);
  }
  return typing;
}

/** A generated schema of about `chars` characters, cut after a statement. */
function generated(chars: number, seed: number): string {
  const text = generateSchema(chars, seed);
  const segments = splitStatements(text).segments.filter((s) => s.semicolon >= 0);
  return text.slice(0, segments[segments.length - 1].semicolon + 1) + '\n';
}

describe('typing, at random', () => {
  test("in columns' names of a generated schema: every keystroke patched, and what a cold lint says", async () => {
    const random = prng(3);
    let text = generated(120_000, 3);
    const typing = new Typing();
    await same(typing, text, 'start');
    // Column definitions: a name at the start of a line of a CREATE TABLE.
    const names = [...text.matchAll(/(?<=\n {4})[a-z][a-z0-9]*_[a-z0-9_]*(?= )/g)];
    for (let n = 0; n < 6; n++) {
      const name = names[Math.floor(random() * names.length)];
      const at = name.index + name[0].length;
      for (const [i, letter] of [...'abc'].entries()) {
        text = text.slice(0, at + i) + letter + text.slice(at + i);
        await same(typing, text, `typed ${letter} after ${name[0]}`);
      }
      for (let i = 3; i > 0; i--) {
        text = text.slice(0, at + i - 1) + text.slice(at + i);
        await same(typing, text, `deleted after ${name[0]}`);
      }
    }
    assert.deepEqual(typing.ways.slice(1), Array(36).fill('patched'));
  });

  test('in a generated schema: what a cold lint says', async () => {
    const typing = await randomTyping('generated', generated(120_000, 7), 7, 60);
    assert.ok(typing.count('patched') > 0, typing.ways.join(', '));
  });

  test('in real schemas and migrations: what a cold lint says', async () => {
    const files = [
      'supabase-auth/migrations/00_init_auth_schema.up.sql',
      'temporal/schema/postgresql/v12/temporal/schema.sql',
      'lemmy/migrations/2019-02-27-170003_create_community/up.sql',
    ];
    let patched = 0;
    for (const [n, path] of files.entries()) {
      const typing = await randomTyping(path, readFileSync(`${CORPUS}/${path}`, 'utf8'), n + 1, 25);
      patched += typing.count('patched');
    }
    assert.ok(patched > 0, 'no keystroke patched a model');
  });
});
