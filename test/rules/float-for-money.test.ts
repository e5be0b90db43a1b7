import { floatForMoney } from '../../server/src/engine/rules/float-for-money';
import { ruleTester } from '../support/rule-tester';

ruleTester(floatForMoney, {
  valid: [
    {
      name: "a foreign table: its columns are the remote table's",
      code: 'CREATE FOREIGN TABLE legacy_orders (id bigint NOT NULL, total double precision NOT NULL) SERVER legacy;',
    },
    'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  total numeric(12,2) NOT NULL\n);',
    {
      name: 'money kept as integer cents',
      code: 'CREATE TABLE products (id bigint PRIMARY KEY, price_cents bigint NOT NULL, unit_price integer);',
    },
    {
      name: 'rates, percentages, ratios and counts are not money',
      code: 'CREATE TABLE tax_rules (\n  id bigint PRIMARY KEY,\n  tax_rate double precision NOT NULL,\n  discount_pct real,\n  price_ratio double precision,\n  total_count double precision,\n  fee_percentage real\n);',
    },
    {
      name: 'a total that is not money: total only counts as the last word',
      code: 'CREATE TABLE trips (id bigint PRIMARY KEY, total_distance double precision, total_hours real, latitude double precision);',
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" ("Id" bigint PRIMARY KEY, "totalAmount" numeric(14,4) NOT NULL);',
    },
    {
      name: 'a later migration changes the column to numeric',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, total double precision NOT NULL);',
      files: {
        'supabase/migrations/20240301000000_numeric.sql':
          'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);',
      },
    },
    {
      name: 'a later ALTER TABLE drops the column',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, legacy_total real);\nALTER TABLE orders DROP COLUMN legacy_total;',
    },
    {
      name: 'a domain over double precision is not judged',
      code: 'CREATE DOMAIN measurement AS double precision;\nCREATE TABLE readings (id bigint PRIMARY KEY, cost measurement);',
    },
  ],
  invalid: [
    {
      name: 'a money column cast to numeric in a view: the cast works from numeric too, the fix stays',
      code: 'CREATE TABLE payments (id bigint PRIMARY KEY, amount money NOT NULL);\nCREATE VIEW payment_amounts AS SELECT id, amount::numeric AS amount FROM payments;',
      errors: [{ message: 'Column payments.amount uses the money type' }],
      output:
        'CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL);\nCREATE VIEW payment_amounts AS SELECT id, amount::numeric AS amount FROM payments;',
    },
    {
      name: "an operator class on a materialized view's copy of the column: no fix",
      code: 'CREATE TABLE quotes (id bigint PRIMARY KEY, price double precision NOT NULL);\nCREATE MATERIALIZED VIEW quote_prices AS SELECT id, price FROM quotes;\nCREATE INDEX ON quote_prices (price float8_ops);',
      errors: [{ message: 'Column quotes.price uses double precision for money' }],
      output: null,
    },
    {
      name: 'the money type with rows or a CHECK written in money: no fix (numeric reads neither)',
      code: "CREATE TABLE prices (id bigint PRIMARY KEY, amount money NOT NULL);\nINSERT INTO prices VALUES (1, '$9.99');\nCREATE TABLE fees (id bigint PRIMARY KEY, fee money NOT NULL CHECK (fee >= 0::money));",
      errors: [
        { message: 'Column prices.amount uses the money type' },
        { message: 'Column fees.fee uses the money type' },
      ],
      output: null,
    },
    {
      name: 'a float key another float column references, or an operator class of float: no fix (a numeric column may reference a float key)',
      code: 'CREATE TABLE price_points (id bigint PRIMARY KEY, amount double precision NOT NULL UNIQUE);\nCREATE TABLE offers (id bigint PRIMARY KEY, amount double precision REFERENCES price_points (amount));\nCREATE TABLE bids (id bigint PRIMARY KEY, price real NOT NULL);\nCREATE INDEX ON bids (price float4_ops);',
      errors: [
        { message: 'Column price_points.amount uses double precision for money' },
        { message: 'Column offers.amount uses double precision for money' },
        { message: 'Column bids.price uses real for money' },
      ],
      output:
        'CREATE TABLE price_points (id bigint PRIMARY KEY, amount double precision NOT NULL UNIQUE);\nCREATE TABLE offers (id bigint PRIMARY KEY, amount numeric(12,2) REFERENCES price_points (amount));\nCREATE TABLE bids (id bigint PRIMARY KEY, price real NOT NULL);\nCREATE INDEX ON bids (price float4_ops);',
    },
    {
      name: 'an index expression and a generated column keep working on numeric: the fix stays',
      code: 'CREATE TABLE lines (\n  id bigint PRIMARY KEY,\n  quantity int NOT NULL,\n  unit_price double precision NOT NULL,\n  line_total double precision GENERATED ALWAYS AS (unit_price * quantity) STORED\n);\nCREATE INDEX lines_rounded_idx ON lines (round(unit_price)) WHERE unit_price > 0;',
      errors: [
        { message: 'Column lines.unit_price uses double precision for money' },
        { message: 'Column lines.line_total uses double precision for money' },
      ],
      output:
        'CREATE TABLE lines (\n  id bigint PRIMARY KEY,\n  quantity int NOT NULL,\n  unit_price numeric(12,2) NOT NULL,\n  line_total numeric(12,2) GENERATED ALWAYS AS (unit_price * quantity) STORED\n);\nCREATE INDEX lines_rounded_idx ON lines (round(unit_price)) WHERE unit_price > 0;',
    },
    {
      code: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  total double precision NOT NULL CHECK (total >= 0)\n);',
      errors: [
        {
          message: 'Column orders.total uses double precision for money',
          line: 3,
          column: 9,
          text: 'double precision',
        },
      ],
      output:
        'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  total numeric(12,2) NOT NULL CHECK (total >= 0)\n);',
    },
    {
      name: 'the money type, with a numeric default',
      code: 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount money NOT NULL DEFAULT 0);',
      errors: [{ message: 'Column invoices.amount uses the money type', text: 'money' }],
      fixes: [
        {
          title: 'Change invoices.amount to numeric(12,2)',
          output: 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL DEFAULT 0);',
        },
      ],
    },
    {
      name: 'a money default numeric cannot read: reported without a fix',
      code: "CREATE TABLE invoices (id bigint PRIMARY KEY, amount money NOT NULL DEFAULT '$0.00');",
      errors: [{ message: 'Column invoices.amount uses the money type' }],
      output: null,
    },
    {
      name: 'a Prisma migration with camelCase names',
      path: 'prisma/migrations/20240101000000_init/migration.sql',
      code: 'CREATE TABLE "OrderItem" (\n    "id" BIGSERIAL NOT NULL,\n    "unitPrice" DOUBLE PRECISION NOT NULL,\n    "quantity" INTEGER NOT NULL,\n\n    CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("id")\n);\n',
      errors: [{ message: 'Column OrderItem.unitPrice uses double precision for money', line: 3 }],
      output:
        'CREATE TABLE "OrderItem" (\n    "id" BIGSERIAL NOT NULL,\n    "unitPrice" numeric(12,2) NOT NULL,\n    "quantity" INTEGER NOT NULL,\n\n    CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("id")\n);\n',
    },
    {
      name: 'real and float columns added by ALTER TABLE in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing.subscriptions (id bigint PRIMARY KEY);\nALTER TABLE billing.subscriptions ADD COLUMN monthly_fee real, ADD COLUMN order_total float;',
      errors: [
        { message: 'Column subscriptions.monthly_fee uses real for money', text: 'real' },
        { message: 'Column subscriptions.order_total uses double precision for money', text: 'float' },
      ],
      output:
        'CREATE SCHEMA billing;\nCREATE TABLE billing.subscriptions (id bigint PRIMARY KEY);\nALTER TABLE billing.subscriptions ADD COLUMN monthly_fee numeric(12,2), ADD COLUMN order_total numeric(12,2);',
    },
    {
      name: 'an array of prices keeps its dimension',
      code: 'CREATE TABLE products (id bigint PRIMARY KEY, tier_prices float8[] NOT NULL);',
      errors: [{ message: 'Column products.tier_prices uses double precision for money', text: 'float8[]' }],
      output: 'CREATE TABLE products (id bigint PRIMARY KEY, tier_prices numeric(12,2)[] NOT NULL);',
    },
    {
      name: 'an earlier migration cannot be edited in place: reported without a fix',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, total double precision NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_more.sql': 'ALTER TABLE orders ADD COLUMN note text;',
      },
      errors: [{ message: 'Column orders.total uses double precision for money' }],
      output: null,
    },
  ],
});
