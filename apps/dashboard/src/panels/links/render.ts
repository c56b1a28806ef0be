import { externalLink } from '../../client/dom.ts';
import { fmt } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';

export const linksSection = defineSection(
  'links',
  (v) =>
    section('links', 'Most-shared links', table('links', ['link', 'domain', 'posts'],
      v.map((l) => [externalLink(l.url, l.title || l.url, { class: 'shared-link' }), l.domain, fmt(l.posts)]), [2])),
  { grid: 'tables' },
);
