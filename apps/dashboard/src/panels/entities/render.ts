import { change, fmt, periodLabel } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';
import type { EntityRow } from './index.ts';

function entityChange(e: EntityRow): string {
  return change(e.posts, e.previous).text;
}

export const entitiesSection = defineSection(
  'entities',
  (v, { d }) =>
    section('entities', 'Products and corporations', table('entities', ['name', 'type', 'posts', `previous ${periodLabel(d.filters.period)}`, 'change'],
      v.map((e) => [e.text, e.type, fmt(e.posts), fmt(e.previous), entityChange(e)]), [2, 3, 4])),
  { grid: 'tables' },
);
