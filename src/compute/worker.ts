/**
 * The worker threads' module (Piscina loads dist/src/compute/worker.js, see pool.ts): each
 * export is a task, called by name with its input and returning its result.
 */
export { backtest, giStar, knox, maximalCovering, moran, setCovering } from './tasks';
