/**
 * A deterministic generator of a large, realistic PostgreSQL schema for the benchmarks: a few
 * schemas of tables with identity or uuid keys, varied column types, foreign keys to earlier tables
 * (mostly indexed), partial, composite and unique indexes, CHECK constraints, comments, views, an
 * updated_at trigger function with its triggers, and row-level security on tenant tables. About
 * one table in ten is deliberately imperfect (an unindexed foreign key, a float price, a json
 * column, no primary key) so that the rules have real work to do.
 *
 * The same (targetBytes, seed) always gives the same text: the PRNG is seeded, never Math.random.
 *
 * Run directly (`node --import tsx bench/generate-schema.ts [bytes] [seed]`) it writes
 * bench/out/schema-5mb.sql.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prng } from '../test/support/corpus';

const SCHEMAS = ['core', 'billing', 'crm', 'inventory', 'analytics', 'content'];

const QUALIFIERS = [
  'account',
  'customer',
  'order',
  'invoice',
  'product',
  'shipment',
  'payment',
  'vendor',
  'project',
  'ticket',
  'campaign',
  'contract',
  'employee',
  'asset',
  'warehouse',
  'catalog',
  'subscription',
  'partner',
  'region',
  'store',
  'channel',
  'document',
  'report',
  'survey',
  'course',
  'lesson',
  'device',
  'sensor',
  'booking',
  'event',
  'venue',
  'member',
  'team',
  'budget',
  'expense',
  'lead',
  'quote',
  'claim',
  'policy',
  'supplier',
  'carrier',
  'route',
  'fleet',
  'tax',
  'discount',
  'coupon',
  'review',
  'article',
  'media',
  'playlist',
];

const NOUNS = [
  'items',
  'lines',
  'notes',
  'events',
  'snapshots',
  'versions',
  'attachments',
  'tags',
  'links',
  'settings',
  'limits',
  'rates',
  'schedules',
  'assignments',
  'approvals',
  'histories',
  'audits',
  'metrics',
  'balances',
  'allocations',
  'reservations',
  'adjustments',
  'transfers',
  'mappings',
  'aliases',
  'contacts',
  'addresses',
  'roles',
  'permissions',
  'tokens',
  'sessions',
  'exports',
  'imports',
  'jobs',
  'runs',
  'batches',
  'segments',
  'rules',
  'templates',
  'messages',
  'threads',
  'votes',
  'ratings',
  'counters',
  'periods',
  'forecasts',
  'targets',
  'milestones',
  'tasks',
  'comments',
  'reminders',
  'renewals',
  'refunds',
  'credits',
  'charges',
  'fees',
  'quotas',
  'webhooks',
  'deliveries',
  'stages',
];

interface ColumnKind {
  names: readonly string[];
  type: (r: () => number) => string;
}

const COLUMN_KINDS: readonly ColumnKind[] = [
  {
    names: ['name', 'title', 'label', 'code', 'slug', 'reference', 'external_ref'],
    type: () => 'text NOT NULL',
  },
  { names: ['description', 'notes', 'summary', 'body', 'details', 'reason'], type: () => 'text' },
  {
    names: ['email', 'phone', 'city', 'country_code', 'currency', 'locale', 'sku', 'display_name'],
    type: (r) => `varchar(${[3, 16, 32, 64, 120, 255][Math.floor(r() * 6)]})`,
  },
  {
    names: ['amount', 'total', 'subtotal', 'unit_price', 'cost', 'tax_amount', 'balance', 'weight'],
    type: (r) => (r() < 0.5 ? 'numeric(12,2) NOT NULL DEFAULT 0' : 'numeric(12,2)'),
  },
  {
    names: ['quantity', 'position', 'priority', 'attempts', 'version', 'rank'],
    type: () => 'integer NOT NULL DEFAULT 0',
  },
  { names: ['size_bytes', 'external_id', 'sequence_no'], type: () => 'bigint' },
  {
    names: ['starts_at', 'ends_at', 'published_at', 'expires_at', 'processed_at', 'confirmed_at'],
    type: () => 'timestamptz',
  },
  { names: ['valid_from', 'valid_to', 'due_on', 'birth_date'], type: () => 'date' },
  {
    names: ['is_active', 'is_archived', 'is_default', 'is_verified', 'is_public', 'is_locked'],
    type: () => 'boolean NOT NULL DEFAULT false',
  },
  {
    names: ['metadata', 'attributes', 'payload', 'settings', 'extra'],
    type: () => "jsonb NOT NULL DEFAULT '{}'::jsonb",
  },
  { names: ['source_ip', 'last_ip'], type: () => 'inet' },
  { names: ['labels', 'aliases'], type: () => "text[] NOT NULL DEFAULT '{}'" },
  { names: ['public_id', 'correlation_id'], type: () => 'uuid NOT NULL DEFAULT gen_random_uuid()' },
];

const ENUMS: readonly { name: string; values: readonly string[] }[] = [
  { name: 'status', values: ['draft', 'active', 'suspended', 'archived'] },
  { name: 'priority_level', values: ['low', 'normal', 'high', 'urgent'] },
  { name: 'payment_state', values: ['pending', 'authorized', 'captured', 'refunded', 'failed'] },
  { name: 'visibility', values: ['private', 'internal', 'public'] },
  { name: 'channel_kind', values: ['email', 'sms', 'push', 'webhook'] },
];

const ON_DELETE = ['CASCADE', 'CASCADE', 'RESTRICT', 'SET NULL'] as const;

interface Table {
  schema: string;
  name: string;
  /** Qualified name, e.g. `crm.customer_contacts`. */
  ref: string;
  pk: 'bigint' | 'uuid' | 'none';
  tenant: boolean;
}

type Defect = 'unindexed-fk' | 'float-price' | 'json-column' | 'no-primary-key';
const DEFECTS: readonly Defect[] = ['unindexed-fk', 'float-price', 'json-column', 'no-primary-key'];

interface Fk {
  column: string;
  target: Table;
  onDelete: (typeof ON_DELETE)[number];
  nullable: boolean;
  indexed: boolean;
  /** Written inline, as a table constraint, or as a later ALTER TABLE (like pg_dump). */
  style: 'inline' | 'constraint' | 'alter';
}

/** Generates a schema of about `targetBytes` UTF-8 bytes (it stops after the table that passes it). */
export function generateSchema(targetBytes = 5_000_000, seed = 1): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number): boolean => r() < p;
  const between = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

  const out: string[] = [];
  let bytes = 0;
  const emit = (s: string): void => {
    out.push(s);
    bytes += Buffer.byteLength(s) + 1;
  };

  emit(`-- Generated by bench/generate-schema.ts (seed ${seed}, target ${targetBytes} bytes). Do not edit.`);
  emit('SET statement_timeout = 0;');
  emit("SET client_encoding = 'UTF8';");
  emit('CREATE EXTENSION IF NOT EXISTS pgcrypto;');
  emit('');
  for (const s of SCHEMAS) emit(`CREATE SCHEMA IF NOT EXISTS ${s};`);
  emit('');
  for (const e of ENUMS) {
    emit(`CREATE TYPE core.${e.name} AS ENUM (${e.values.map((v) => `'${v}'`).join(', ')});`);
  }
  emit('');
  emit(`CREATE OR REPLACE FUNCTION core.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;`);
  emit('');
  emit(`CREATE OR REPLACE FUNCTION core.current_tenant_id() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::bigint $$;`);
  emit('');
  emit(`CREATE TABLE core.tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    slug varchar(64) NOT NULL,
    plan text NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_slug_check CHECK (slug ~ '^[a-z0-9-]+$')
);`);
  emit("COMMENT ON TABLE core.tenants IS 'One customer organisation; every tenant table points here.';");
  emit(
    'CREATE TRIGGER tenants_set_updated_at BEFORE UPDATE ON core.tenants FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();',
  );
  emit('');

  const tenants: Table = {
    schema: 'core',
    name: 'tenants',
    ref: 'core.tenants',
    pk: 'bigint',
    tenant: false,
  };
  const tables: Table[] = [tenants];
  const used = new Set<string>(['core.tenants']);
  const deferred: string[] = [];
  let deferredBytes = 0;
  let views = 0;

  while (bytes + deferredBytes < targetBytes) {
    const schema = pick(SCHEMAS);
    let name = `${pick(QUALIFIERS)}_${pick(NOUNS)}`;
    for (let n = 2; used.has(`${schema}.${name}`); n++) name = `${name.replace(/_\d+$/, '')}_${n}`;
    used.add(`${schema}.${name}`);
    const defect: Defect | undefined = chance(0.1) ? pick(DEFECTS) : undefined;
    const table: Table = {
      schema,
      name,
      ref: `${schema}.${name}`,
      pk: defect === 'no-primary-key' ? 'none' : chance(0.7) ? 'bigint' : 'uuid',
      tenant: chance(0.4),
    };

    const columns: string[] = [];
    const constraints: string[] = [];
    const after: string[] = [];
    const colNames = new Set<string>(['id']);

    if (table.pk === 'bigint') columns.push('id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY');
    else if (table.pk === 'uuid') columns.push('id uuid DEFAULT gen_random_uuid() NOT NULL');
    else columns.push('id bigint NOT NULL');
    if (table.pk === 'uuid') constraints.push(`CONSTRAINT ${name}_pkey PRIMARY KEY (id)`);

    // Foreign keys to earlier tables that have a key.
    const fks: Fk[] = [];
    if (table.tenant) {
      colNames.add('tenant_id');
      fks.push({
        column: 'tenant_id',
        target: tenants,
        onDelete: 'CASCADE',
        nullable: false,
        indexed: true,
        style: 'inline',
      });
    }
    const fkCount = tables.length < 3 ? 0 : pick([0, 1, 1, 1, 2, 2, 3]);
    for (let i = 0; i < fkCount; i++) {
      const window = Math.min(tables.length, 400);
      const target = tables[tables.length - 1 - Math.floor(r() * window)];
      if (target.pk === 'none' || target === tenants) continue;
      const base = target.name.replace(/s$/, '').replace(/_\d+$/, '');
      let column = `${base}_id`;
      for (let n = 2; colNames.has(column); n++) column = `${base}_${n}_id`;
      colNames.add(column);
      const onDelete = pick(ON_DELETE);
      fks.push({
        column,
        target,
        onDelete,
        nullable: onDelete === 'SET NULL' || chance(0.2),
        indexed: true,
        style: pick(['inline', 'constraint', 'alter'] as const),
      });
    }
    if (defect === 'unindexed-fk' && fks.length > 0) fks[fks.length - 1].indexed = false;
    // Every other table without a natural unindexed FK still leaves an occasional one unindexed.
    else if (fks.length > 1 && chance(0.03)) fks[0].indexed = false;

    for (const fk of fks) {
      const type = fk.target.pk === 'uuid' ? 'uuid' : 'bigint';
      const ref = `${fk.target.ref} (id) ON DELETE ${fk.onDelete}`;
      const notNull = fk.nullable ? '' : ' NOT NULL';
      if (fk.style === 'inline') columns.push(`${fk.column} ${type}${notNull} REFERENCES ${ref}`);
      else {
        columns.push(`${fk.column} ${type}${notNull}`);
        const c = `CONSTRAINT ${name}_${fk.column}_fkey FOREIGN KEY (${fk.column}) REFERENCES ${ref}`;
        if (fk.style === 'constraint') constraints.push(c);
        else {
          const alter = `ALTER TABLE ONLY ${table.ref}\n    ADD ${c};`;
          deferred.push(alter);
          deferredBytes += Buffer.byteLength(alter) + 2;
        }
      }
    }

    // Ordinary columns.
    const want = between(5, 25) - columns.length;
    const numeric: string[] = [];
    const textual: string[] = [];
    const timestamps: string[] = [];
    for (let i = 0, tries = 0; i < want && tries < 100; tries++) {
      const kind = pick(COLUMN_KINDS);
      const col = pick(kind.names);
      if (colNames.has(col)) continue;
      colNames.add(col);
      i++;
      const type = kind.type(r);
      if (type.startsWith('numeric')) numeric.push(col);
      if (type.startsWith('text NOT NULL')) textual.push(col);
      if (type === 'timestamptz') timestamps.push(col);
      columns.push(`${col} ${type}`);
      if (chance(0.08)) {
        const e = pick(ENUMS);
        const ecol = `${e.name}_value`;
        if (!colNames.has(ecol)) {
          colNames.add(ecol);
          columns.push(`${ecol} core.${e.name} NOT NULL DEFAULT '${e.values[0]}'`);
        }
      }
    }
    if (chance(0.35) && !colNames.has('status')) {
      colNames.add('status');
      columns.push(`status core.status NOT NULL DEFAULT 'draft'`);
    }
    if (defect === 'float-price')
      columns.push(pick(['price double precision', 'unit_cost real', 'price float8']));
    if (defect === 'json-column') columns.push(pick(['raw_data json', "extra_json json DEFAULT '{}'::json"]));

    const softDelete = chance(0.25);
    columns.push('created_at timestamptz NOT NULL DEFAULT now()');
    columns.push('updated_at timestamptz NOT NULL DEFAULT now()');
    if (softDelete) columns.push('deleted_at timestamptz');

    // CHECK constraints.
    for (const col of numeric)
      if (chance(0.5)) constraints.push(`CONSTRAINT ${name}_${col}_check CHECK (${col} >= 0)`);
    if (textual.length > 0 && chance(0.3)) {
      const col = textual[0];
      constraints.push(`CONSTRAINT ${name}_${col}_length CHECK (char_length(${col}) BETWEEN 1 AND 200)`);
    }
    if (colNames.has('starts_at') && colNames.has('ends_at')) {
      constraints.push(`CONSTRAINT ${name}_period_check CHECK (ends_at IS NULL OR ends_at > starts_at)`);
    }

    emit(`CREATE TABLE ${table.ref} (\n    ${[...columns, ...constraints].join(',\n    ')}\n);`);

    // Indexes.
    for (const fk of fks) {
      if (!fk.indexed) continue;
      if (fk.column === 'tenant_id' && textual.length > 0 && chance(0.5)) {
        // The tenant key leads a composite index instead of one of its own.
        after.push(
          `CREATE INDEX ${name}_tenant_${textual[0]}_idx ON ${table.ref} USING btree (tenant_id, ${textual[0]});`,
        );
      } else {
        after.push(`CREATE INDEX ${name}_${fk.column}_idx ON ${table.ref} USING btree (${fk.column});`);
      }
    }
    if (textual.length > 0 && chance(0.3)) {
      const cols = table.tenant ? `tenant_id, ${textual[0]}` : textual[0];
      const where = softDelete ? ' WHERE (deleted_at IS NULL)' : '';
      after.push(
        `CREATE UNIQUE INDEX ${name}_${textual[0]}_key ON ${table.ref} USING btree (${cols})${where};`,
      );
    }
    if (softDelete) {
      after.push(
        `CREATE INDEX ${name}_live_idx ON ${table.ref} USING btree (created_at DESC) WHERE (deleted_at IS NULL);`,
      );
    }
    if (timestamps.length > 1 && chance(0.4)) {
      after.push(
        `CREATE INDEX ${name}_${timestamps[0]}_${timestamps[1]}_idx ON ${table.ref} (${timestamps[0]}, ${timestamps[1]});`,
      );
    }
    if (colNames.has('metadata') && chance(0.3)) {
      after.push(`CREATE INDEX ${name}_metadata_gin ON ${table.ref} USING gin (metadata jsonb_path_ops);`);
    }

    // Comments.
    after.push(
      `COMMENT ON TABLE ${table.ref} IS 'The ${name.replace(/_/g, ' ')} of one ${schema} account.';`,
    );
    for (const col of textual.slice(0, 2)) {
      after.push(
        `COMMENT ON COLUMN ${table.ref}.${col} IS 'Shown to users; ''${col}'' must be unique per tenant.';`,
      );
    }

    // Trigger and RLS.
    after.push(
      `CREATE TRIGGER ${name}_set_updated_at BEFORE UPDATE ON ${table.ref} FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();`,
    );
    if (table.tenant) {
      after.push(`ALTER TABLE ${table.ref} ENABLE ROW LEVEL SECURITY;`);
      after.push(
        `CREATE POLICY ${name}_tenant_isolation ON ${table.ref} USING (tenant_id = core.current_tenant_id()) WITH CHECK (tenant_id = core.current_tenant_id());`,
      );
      if (chance(0.3))
        after.push(`CREATE POLICY ${name}_read_only ON ${table.ref} FOR SELECT TO PUBLIC USING (true);`);
    }
    for (const s of after) emit(s);
    emit('');
    tables.push(table);

    // A view now and then, joining the table to its first parent.
    const parent = fks.find((fk) => fk.column !== 'tenant_id');
    if (parent && tables.length % 60 === 0) {
      views++;
      const cols = [...colNames].filter((c) => !c.endsWith('_id') && c !== 'id').slice(0, 4);
      emit(`CREATE VIEW ${schema}.v_${name}_${views} AS
 SELECT t.id,
    ${cols.map((c) => `t.${c}`).join(',\n    ')}${cols.length > 0 ? ',' : ''}
    p.id AS parent_id,
    p.created_at AS parent_created_at
   FROM (${table.ref} t
     JOIN ${parent.target.ref} p ON ((p.id = t.${parent.column})))${softDelete ? '\n  WHERE (t.deleted_at IS NULL)' : ''};`);
      emit('');
    }
  }

  // pg_dump puts foreign keys added by ALTER TABLE at the end.
  if (deferred.length > 0) emit(deferred.join('\n\n'));
  return out.join('\n') + '\n';
}

// Run directly (`node --import tsx bench/generate-schema.ts`), not bundled into another bench.
if (require.main === module && /generate-schema\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const bytes = Number(process.argv[2] ?? 5_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const text = generateSchema(bytes, seed);
  const file = join(__dirname, 'out', 'schema-5mb.sql');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const tables = (text.match(/^CREATE TABLE /gm) ?? []).length;
  console.log(`${file}: ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, ${tables} tables`);
}
