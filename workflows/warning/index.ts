export { warning, warningStatusQuery, warningTriggerSignal, type WarningResult, type WarningStatus } from './workflow';
