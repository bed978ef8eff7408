-- A project library entry (项目库) carries the approved performance targets it entered with and,
-- for a reduced approval (核减/削减), the reason of the cut (finance/store/library.ts).
ALTER TABLE library ADD COLUMN targets jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE library ADD COLUMN cut jsonb;
