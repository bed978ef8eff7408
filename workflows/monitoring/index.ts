export { monitoringScheduled } from './scheduled';
export { monitoringRound } from './round';
export { monitoringDepartment } from './department';
export { monitoringBatch } from './batch';
