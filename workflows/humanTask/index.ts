export { TaskBoard, type BoardOptions, type BoardSnapshot } from './board';
