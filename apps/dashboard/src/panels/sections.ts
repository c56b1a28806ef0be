/**
 * The page's sections, one per panel of PANELS and in its order (browser side: the page's
 * bundle cannot import PANELS, whose statements need the warehouse library). The type below
 * makes tsc refuse a list that differs from PANELS in length, order or names; null marks a
 * panel drawn elsewhere (options: the filter bar's menus).
 */
import type { Section } from '../client/section.ts';
import { authorsSection } from './authors/render.ts';
import { entitiesSection } from './entities/render.ts';
import { eventsSection } from './events/render.ts';
import { hashtagsSection } from './hashtags/render.ts';
import { headlineSection } from './headline/render.ts';
import type { PANELS } from './index.ts';
import { linksSection } from './links/render.ts';
import { qualitySection } from './quality/render.ts';
import { topPostsSection, trendingSection } from './ranked/render.ts';
import { sentimentSection } from './sentiment/render.ts';
import { statusSection } from './status/render.ts';
import { storiesSection } from './stories/render.ts';
import { topicsSection } from './topics/render.ts';
import { volumeSection } from './volume/render.ts';

type SectionsOf<P extends readonly { name: string }[]> = { readonly [I in keyof P]: P[I] extends { name: infer N extends Section['name'] } ? Section<N> | null : never };

export const SECTIONS = [
  headlineSection,
  statusSection,
  volumeSection,
  sentimentSection,
  topicsSection,
  trendingSection,
  topPostsSection,
  storiesSection,
  authorsSection,
  hashtagsSection,
  linksSection,
  entitiesSection,
  eventsSection,
  qualitySection,
  null, // options
] as const satisfies SectionsOf<typeof PANELS>;
