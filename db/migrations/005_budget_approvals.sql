-- The budget's approval (预算批复) per year: approved performance targets become public only then
-- (001: 同步申报、同步审核、同步批复、同步公开). Who approved it, when, why; audited as budget.approved.
CREATE TABLE budget_approvals (
  year int PRIMARY KEY,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL,
  reason text
);
