// Every workflow type the worker registers. A process adds one export line.
export { preAssessment } from './preAssessment';
