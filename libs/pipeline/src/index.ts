export { STEPS, combineStatus } from './report.ts';
export type { StepName, StepReport } from './report.ts';
export { runStep, stepMain } from './harness.ts';
export type { StepContext, StepFn } from './harness.ts';
export { forkStep } from './fork.ts';
export { acquireLock, lockPath } from './lock.ts';
