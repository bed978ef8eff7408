-- The indicator library's past cases (案例库, 004: 61 project cases imported into Wuhai's case library):
-- past projects with their industry, amount, the indicators they set with target and achieved values,
-- and the grade their evaluation gave, for units drafting targets to see how comparable projects set
-- theirs. Generated ones are 'imported'; finance adds more from projects concluded in the system.
CREATE TABLE cases (
  id text PRIMARY KEY,
  year int NOT NULL,
  dept_id text NOT NULL,
  unit_id text NOT NULL,
  name text NOT NULL,
  industry text NOT NULL,
  amount_fen bigint NOT NULL,
  score numeric(5,2),
  grade text,
  source text NOT NULL,
  source_ref text,
  indicators jsonb NOT NULL,
  added_by text NOT NULL,
  reason text,
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_industry ON cases(industry, id);
CREATE SEQUENCE cases_seq;
