import { stepMain } from '@social-pulse/pipeline';
import { enrich } from './enrich.ts';

await stepMain('enrich', enrich);
