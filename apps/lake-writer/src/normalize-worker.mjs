// The entry of a lake-write worker thread when the step runs from its TypeScript sources:
// loads normalize-worker.ts through tsx, as bin/pulse.mjs does for the CLI (a worker thread
// does not inherit the loader its parent was started with).
import { register } from 'tsx/esm/api';

register();
await import('./normalize-worker.ts');
