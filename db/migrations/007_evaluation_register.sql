-- Evaluation's register of third-party agencies (第三方机构库) and its expert library (专家库), kept
-- by finance through /api/evaluations/agencies and /api/evaluations/experts (every change audited).
-- An agency's id is its org in the directory (orgs.kind = 'agency'); its quality score is the mean
-- of the final scores its reports got in circular cross peer reviews (互审互评), written by the peer
-- review workflow; its credit record (信用记录) is what feeds the next selection.
CREATE TABLE evaluation_agencies (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- [{ name, qualification? }]: the staff who do the fieldwork
  staff jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- departments and units the agency declared a conflict of interest with (回避)
  conflicts text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  version int NOT NULL DEFAULT 1
);

-- Commissions (委托) of key evaluations to an agency: one per key evaluation.
CREATE TABLE evaluation_agency_commissions (
  ref text PRIMARY KEY,
  agency_id text NOT NULL REFERENCES evaluation_agencies (id),
  workflow_id text NOT NULL,
  subject jsonb NOT NULL,
  commissioned_by text NOT NULL,
  commissioned_at timestamptz NOT NULL
);
CREATE INDEX evaluation_agency_commissions_agency ON evaluation_agency_commissions (agency_id);

-- The credit record (信用记录): peer-review final scores (kind 'peerReview', one per report) and
-- finance's own entries (kind 'finance': a breach, a late report, a commendation) with points.
CREATE TABLE evaluation_agency_credit (
  key text PRIMARY KEY,
  agency_id text NOT NULL REFERENCES evaluation_agencies (id),
  kind text NOT NULL CHECK (kind IN ('peerReview', 'finance')),
  ref text NOT NULL,
  -- peerReview: the final score (0-100); finance: points added or taken (negative)
  score numeric(6, 2) NOT NULL,
  reason text,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX evaluation_agency_credit_agency ON evaluation_agency_credit (agency_id, recorded_at);

CREATE TABLE evaluation_experts (
  id text PRIMARY KEY,
  name text NOT NULL,
  fields text[] NOT NULL DEFAULT '{}',
  conflicts text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  version int NOT NULL DEFAULT 1
);
