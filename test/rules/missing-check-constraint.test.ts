import { missingCheckConstraint } from '../../server/src/engine/rules/missing-check-constraint';
import { ruleTester } from '../support/rule-tester';

ruleTester(missingCheckConstraint, {
  valid: [
    {
      name: "a foreign table: its columns are the remote table's",
      code: 'CREATE FOREIGN TABLE legacy_orders (id bigint NOT NULL, status text NOT NULL, amount numeric(12,2) NOT NULL) SERVER legacy;',
    },
    "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'shipped')),\n  amount numeric(12,2) NOT NULL,\n  CONSTRAINT orders_amount_check CHECK (amount >= 0)\n);",
    {
      name: 'an enum type',
      code: "CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');\nCREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending');",
    },
    {
      name: 'a foreign key to a lookup table (whose own column is unique)',
      code: 'CREATE TABLE order_states (state text PRIMARY KEY);\nCREATE TABLE shipment_types (id bigint PRIMARY KEY, type text NOT NULL UNIQUE);\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  state text NOT NULL REFERENCES order_states (state) ON DELETE RESTRICT,\n  shipment_type_id bigint REFERENCES shipment_types (id) ON DELETE RESTRICT\n);\nCREATE INDEX ON orders (state);\nCREATE INDEX ON orders (shipment_type_id);',
    },
    {
      name: 'domains with a CHECK',
      code: "CREATE DOMAIN money_amount AS numeric(12,2) CHECK (VALUE >= 0);\nCREATE DOMAIN ticket_kind AS text CHECK (VALUE IN ('bug', 'feature'));\nCREATE TABLE tickets (id bigint PRIMARY KEY, kind ticket_kind NOT NULL, bounty_amount money_amount);",
    },
    {
      name: 'a CHECK reading several columns counts for each of them',
      code: 'CREATE TABLE order_lines (\n  id bigint PRIMARY KEY,\n  unit_price numeric(12,2) NOT NULL,\n  discount_amount numeric(12,2) NOT NULL DEFAULT 0,\n  CHECK (discount_amount BETWEEN 0 AND unit_price)\n);',
    },
    {
      name: 'a state of a postal address, a MIME type',
      code: 'CREATE TABLE addresses (id bigint PRIMARY KEY, street text, city text, state text, postal_code text);\nCREATE TABLE attachments (id bigint PRIMARY KEY, content_type text NOT NULL, mime_type varchar(255));',
    },
    {
      name: 'OAuth fields whose values the identity provider chooses (regression: NextAuth Account)',
      code: 'CREATE TABLE "Account" ("id" TEXT NOT NULL, "token_type" TEXT, "session_state" TEXT, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));',
    },
    {
      name: 'signed amounts: a ledger, a price change, a balance',
      code: 'CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL);\nCREATE TABLE price_history (id bigint PRIMARY KEY, price_change numeric(12,2), net_amount numeric(12,2));',
    },
    {
      name: 'floating-point prices are float-for-money’s; integers that are keys are not amounts',
      code: 'CREATE TABLE products (id bigint PRIMARY KEY, price double precision, price_tier_id bigint);',
    },
    {
      name: 'a later migration adds the CHECK',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'pending', quantity integer NOT NULL);",
      files: {
        'supabase/migrations/20240301000000_checks.sql':
          "ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid')) NOT VALID, ADD CONSTRAINT orders_quantity_check CHECK (quantity >= 0) NOT VALID;",
      },
    },
    {
      name: 'partitions take the parent CHECK',
      code: "CREATE TABLE payments (id bigint, amount numeric(12,2) CHECK (amount >= 0), paid_on date NOT NULL) PARTITION BY RANGE (paid_on);\nCREATE TABLE payments_2024 PARTITION OF payments FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
  ],
  invalid: [
    {
      code: "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending',\n  amount numeric(12,2) NOT NULL\n);",
      errors: [
        {
          message: 'Column orders.status accepts any text: no CHECK, enum or foreign key limits it',
          line: 3,
          column: 3,
          text: 'status',
        },
        { message: 'Column orders.amount has no CHECK against negative values', line: 4, text: 'amount' },
      ],
      fixes: [
        {
          title: "Add CHECK (status IN ('pending')) to orders (then list every value)",
          output:
            "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending',\n  CHECK (status IN ('pending')),\n  amount numeric(12,2) NOT NULL\n);",
        },
      ],
      output:
        "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending',\n  amount numeric(12,2) NOT NULL CHECK (amount >= 0)\n);",
    },
    {
      name: 'a status without a default: no values to start the skeleton with',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, type varchar(50) NOT NULL);',
      errors: [{ message: 'Column events.type accepts any text: no CHECK, enum or foreign key limits it' }],
      output: null,
    },
    {
      name: 'a one-line table, and a domain without CHECK',
      code: "CREATE DOMAIN short_text AS varchar(50);\nCREATE TABLE plans (id bigint PRIMARY KEY, kind short_text NOT NULL DEFAULT 'basic'::character varying, seats integer);",
      errors: [{ message: 'Column plans.kind accepts any text: no CHECK, enum or foreign key limits it' }],
      output: null,
      fixes: [
        {
          title: /^Add CHECK \(kind IN \('basic'\)\) to plans/,
          output:
            "CREATE DOMAIN short_text AS varchar(50);\nCREATE TABLE plans (id bigint PRIMARY KEY, kind short_text NOT NULL DEFAULT 'basic'::character varying, CHECK (kind IN ('basic')), seats integer);",
        },
      ],
    },
    {
      name: 'a Prisma migration: the CHECK goes below the column, with its indentation',
      path: 'prisma/migrations/20240101000000_init/migration.sql',
      code: 'CREATE TABLE "Order" (\n    "id" TEXT NOT NULL,\n    "status" TEXT NOT NULL DEFAULT \'PENDING\',\n    "quantity" INTEGER NOT NULL,\n\n    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")\n);\n',
      errors: [
        { message: 'Column Order.status accepts any text: no CHECK, enum or foreign key limits it', line: 3 },
        { message: 'Column Order.quantity has no CHECK against negative values', line: 4 },
      ],
      output:
        'CREATE TABLE "Order" (\n    "id" TEXT NOT NULL,\n    "status" TEXT NOT NULL DEFAULT \'PENDING\',\n    "quantity" INTEGER NOT NULL CHECK (quantity >= 0),\n\n    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")\n);\n',
      fixes: [
        {
          title: /^Add CHECK \(status IN/,
          output:
            'CREATE TABLE "Order" (\n    "id" TEXT NOT NULL,\n    "status" TEXT NOT NULL DEFAULT \'PENDING\',\n    CHECK (status IN (\'PENDING\')),\n    "quantity" INTEGER NOT NULL,\n\n    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")\n);\n',
        },
      ],
    },
    {
      name: 'columns added by ALTER TABLE, quoted, in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" ("id" bigint PRIMARY KEY);\nALTER TABLE billing."Invoice" ADD COLUMN "paymentState" varchar(20) DEFAULT \'open\'::character varying, ADD COLUMN "unitPrice" numeric(12,2);',
      errors: [
        { message: 'Column Invoice.paymentState accepts any text: no CHECK, enum or foreign key limits it' },
        { message: 'Column Invoice.unitPrice has no CHECK against negative values' },
      ],
      output:
        'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" ("id" bigint PRIMARY KEY);\nALTER TABLE billing."Invoice" ADD COLUMN "paymentState" varchar(20) DEFAULT \'open\'::character varying, ADD COLUMN "unitPrice" numeric(12,2) CHECK ("unitPrice" >= 0);',
      fixes: [
        {
          title: /^Add CHECK \("paymentState" IN/,
          output:
            'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" ("id" bigint PRIMARY KEY);\nALTER TABLE billing."Invoice" ADD COLUMN "paymentState" varchar(20) DEFAULT \'open\'::character varying, ADD CHECK ("paymentState" IN (\'open\')), ADD COLUMN "unitPrice" numeric(12,2);',
        },
      ],
    },
    {
      name: 'an earlier migration cannot be edited in place: reported without a fix',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: 'CREATE TABLE order_items (id bigint PRIMARY KEY, quantity integer NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_more.sql': 'ALTER TABLE order_items ADD COLUMN note text;',
      },
      errors: [{ message: 'Column order_items.quantity has no CHECK against negative values' }],
      output: null,
    },
  ],
});
