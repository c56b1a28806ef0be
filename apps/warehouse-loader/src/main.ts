import { stepMain } from '@social-pulse/pipeline';
import { load } from './load.ts';

await stepMain('load', load);
