import { el } from '../../client/dom.ts';
import { fmt } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';

export const authorsSection = defineSection(
  'authors',
  (v) =>
    section('authors', 'Top authors', table('authors', ['author', 'source', 'posts', 'engagement'],
      v.map((a) => [el('span', { title: a.handle }, `${a.name} (@${a.handle})`), a.source, fmt(a.posts), fmt(a.engagement)]), [2, 3])),
  { grid: 'tables' },
);
