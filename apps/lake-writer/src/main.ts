import { stepMain } from '@social-pulse/pipeline';
import { writeLake } from './write.ts';

await stepMain('lake-write', writeLake);
