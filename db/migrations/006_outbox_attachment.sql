-- A mail may carry its HTML body also as a file (a rectification notice, 整改通知书, to print and file).
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS attach_html_as text;
