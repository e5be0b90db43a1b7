-- The same shop, written in a hurry. Every line the architect would send back.

CREATE TABLE customers (
  id serial PRIMARY KEY,
  tenant_id uuid,
  email varchar(255) UNIQUE,
  is_active boolean,
  metadata json,
  signup_date text,
  last_login_at timestamp,
  created_at timestamptz,
  updated_at timestamptz DEFAULT now(),
  deleted_at timestamptz
);

CREATE TABLE products (
  id bigserial PRIMARY KEY,
  sku text NOT NULL,
  price double precision NOT NULL,
  quantity integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  is_gift boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_created_idx ON orders (status, created_at);

CREATE TABLE order_items (
  order_id bigint REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  quantity integer NOT NULL CHECK (quantity > 0)
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

CREATE TABLE audit_log (
  event text,
  payload text
);

CREATE TABLE reviews (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id bigint,
  customer_id uuid REFERENCES customers (id) ON DELETE CASCADE,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_customer_id_idx ON reviews (customer_id);

ALTER TABLE reviews ADD COLUMN rating integer NOT NULL DEFAULT 5,, ADD COLUMN title text;
