#!/usr/bin/env node
// The `pulse` command. The project runs from its TypeScript sources through tsx, so there is
// no build step between a `git pull` and a run.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
