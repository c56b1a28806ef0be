import { stepMain } from '@social-pulse/pipeline';
import { scrape } from './scrape.ts';

await stepMain('scrape', scrape);
