-- Basic expenditure (基本支出: staff and running costs) apart from project expenditure (项目支出):
-- monitoring rounds cover own-level projects except basic expenditure (000: 本级预算项目(除基本支出外)).
ALTER TABLE projects ADD COLUMN expenditure text NOT NULL DEFAULT 'project';
CREATE INDEX projects_dept_expenditure ON projects(dept_id, expenditure, id);
