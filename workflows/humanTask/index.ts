export { TaskBoard, type BoardOptions } from './board';
