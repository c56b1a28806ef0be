export { echoSpec } from './echo-spec.ts';
