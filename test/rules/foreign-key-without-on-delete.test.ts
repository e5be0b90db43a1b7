import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintProject } from '../../server/src/engine/lint';
import { foreignKeyWithoutOnDelete } from '../../server/src/engine/rules/foreign-key-without-on-delete';
import { ruleTester } from '../support/rule-tester';

const customers = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const orders = 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';

ruleTester(foreignKeyWithoutOnDelete, {
  valid: [
    customers +
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT);',
    {
      name: 'an explicit NO ACTION is a decision',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers ON DELETE NO ACTION);',
    },
    {
      name: 'ON UPDATE before ON DELETE, MATCH FULL and DEFERRABLE',
      code:
        customers +
        'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint,\n  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED\n);',
    },
    {
      name: 'a foreign key added by ALTER TABLE with its action',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;',
    },
    {
      name: 'a later migration replaces the foreign key by one with an action',
      path: 'supabase/migrations/20240101000000_init.sql',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      files: {
        'supabase/migrations/20240201000000_fk.sql':
          'ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey, ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;',
      },
    },
    {
      name: 'quoted names in a non-public schema, SET DEFAULT',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Team" (id bigint PRIMARY KEY);\nCREATE TABLE app."Member" (id bigint PRIMARY KEY, "teamId" bigint DEFAULT 0 REFERENCES app."Team" (id) ON DELETE SET DEFAULT);',
    },
  ],
  invalid: [
    {
      name: 'an inline reference: three choices, RESTRICT preferred',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      errors: [
        {
          message: 'Foreign key orders.customer_id has no ON DELETE action (defaults to NO ACTION)',
          line: 2,
          text: 'REFERENCES customers (id)',
        },
      ],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE RESTRICT);',
      fixes: [
        {
          title: 'Add ON DELETE CASCADE',
          output:
            customers +
            'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);',
        },
        {
          title: 'Add ON DELETE SET NULL',
          output:
            customers +
            'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE SET NULL);',
        },
      ],
    },
    {
      name: 'a NOT NULL column gets no SET NULL; the action goes before ON UPDATE',
      code:
        orders +
        'CREATE TABLE order_lines (\n  order_id bigint NOT NULL,\n  line_no integer NOT NULL,\n  PRIMARY KEY (order_id, line_no),\n  FOREIGN KEY (order_id) REFERENCES orders ON UPDATE CASCADE\n);',
      errors: [{ line: 6, column: 3, text: 'FOREIGN KEY (order_id) REFERENCES orders ON UPDATE CASCADE' }],
      fixes: [
        {
          title: 'Add ON DELETE CASCADE',
          output:
            orders +
            'CREATE TABLE order_lines (\n  order_id bigint NOT NULL,\n  line_no integer NOT NULL,\n  PRIMARY KEY (order_id, line_no),\n  FOREIGN KEY (order_id) REFERENCES orders ON DELETE CASCADE ON UPDATE CASCADE\n);',
        },
        {
          title: 'Add ON DELETE RESTRICT',
          output:
            orders +
            'CREATE TABLE order_lines (\n  order_id bigint NOT NULL,\n  line_no integer NOT NULL,\n  PRIMARY KEY (order_id, line_no),\n  FOREIGN KEY (order_id) REFERENCES orders ON DELETE RESTRICT ON UPDATE CASCADE\n);',
        },
      ],
    },
    {
      name: 'a DEFERRABLE key: no preferred action (RESTRICT is never deferred)',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED);',
      errors: [{ message: 'Foreign key orders.customer_id has no ON DELETE action (defaults to NO ACTION)' }],
      fixes: [
        {
          title: 'Add ON DELETE SET NULL',
          output:
            customers +
            'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) MATCH SIMPLE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED);',
        },
      ],
    },
    {
      name: 'an inline DEFERRABLE reference: the action goes before DEFERRABLE, none preferred',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers DEFERRABLE);',
      errors: [{ text: 'REFERENCES customers DEFERRABLE' }],
      output: null,
      fixes: [
        {
          title: 'Add ON DELETE CASCADE',
          output:
            customers +
            'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers ON DELETE CASCADE DEFERRABLE);',
        },
      ],
    },
    {
      name: 'ALTER TABLE … ADD FOREIGN KEY … NOT VALID, quoted names in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Team" (id bigint PRIMARY KEY);\nCREATE TABLE app."Member" (id bigint PRIMARY KEY, "teamId" bigint);\nALTER TABLE app."Member" ADD FOREIGN KEY ("teamId") REFERENCES app."Team" (id) NOT VALID;',
      errors: [
        { message: 'Foreign key Member.teamId has no ON DELETE action (defaults to NO ACTION)', line: 4 },
      ],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Team" (id bigint PRIMARY KEY);\nCREATE TABLE app."Member" (id bigint PRIMARY KEY, "teamId" bigint);\nALTER TABLE app."Member" ADD FOREIGN KEY ("teamId") REFERENCES app."Team" (id) ON DELETE RESTRICT NOT VALID;',
    },
    {
      name: 'a composite key in the newest migration',
      path: 'supabase/migrations/20240201000000_shipments.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          'CREATE TABLE warehouses (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));',
      },
      code: 'CREATE TABLE shipments (\n  id bigint PRIMARY KEY,\n  tenant_id bigint,\n  warehouse_id bigint,\n  FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id)\n);\n',
      errors: [
        {
          message:
            'Foreign key shipments (tenant_id, warehouse_id) has no ON DELETE action (defaults to NO ACTION)',
        },
      ],
      output:
        'CREATE TABLE shipments (\n  id bigint PRIMARY KEY,\n  tenant_id bigint,\n  warehouse_id bigint,\n  FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id) ON DELETE RESTRICT\n);\n',
    },
    {
      name: 'in an applied migration: reported, not rewritten',
      path: 'supabase/migrations/20240101000000_init.sql',
      files: { 'supabase/migrations/20240201000000_more.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);' },
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      errors: [{ message: 'Foreign key orders.customer_id has no ON DELETE action (defaults to NO ACTION)' }],
      output: null,
    },
  ],
});

describe('foreign-key-without-on-delete choices', () => {
  it('offers SET NULL only for columns that accept NULL', async () => {
    const titles = async (column: string) => {
      const { findings } = await lintProject(
        [
          {
            path: 'schema.sql',
            text: `${customers}CREATE DOMAIN customer_ref AS bigint NOT NULL;\nCREATE TABLE orders (id bigint PRIMARY KEY, ${column});`,
          },
        ],
        { rules: [foreignKeyWithoutOnDelete] },
      );
      assert.equal(findings.length, 1);
      return findings[0].fixes.map((f) => f.title);
    };
    const all = ['Add ON DELETE CASCADE', 'Add ON DELETE RESTRICT', 'Add ON DELETE SET NULL'];
    const noSetNull = all.slice(0, 2);
    assert.deepEqual(await titles('customer_id bigint REFERENCES customers'), all);
    assert.deepEqual(await titles('customer_id bigint NOT NULL REFERENCES customers'), noSetNull);
    assert.deepEqual(await titles('customer_id customer_ref REFERENCES customers'), noSetNull);
    assert.deepEqual(
      await titles('customer_id bigint REFERENCES customers, CHECK (customer_id IS NOT NULL)'),
      noSetNull,
    );
  });
});
