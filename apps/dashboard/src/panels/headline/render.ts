import { el } from '../../client/dom.ts';
import { change, fmt, fmtCompact, periodLabel } from '../../client/format.ts';
import { defineSection, section } from '../../client/section.ts';
import type { Headline } from './index.ts';

export const headlineSection = defineSection('headline', (v, { d }) => {
  const items: [keyof Headline, string][] = [
    ['posts', 'Posts'], ['authors', 'Authors'], ['sources', 'Sources'], ['engagement', 'Engagement'],
  ];
  const cur = v.current;
  const prev = v.previous;
  return section(
    'headline',
    `Last ${periodLabel(d.filters.period)}`,
    el(
      'div',
      { class: 'figures' },
      ...items.map(([k, label]) => {
        const c = change(cur[k], prev[k]);
        return el(
          'div',
          { class: 'figure', 'data-metric': k },
          el('div', { class: 'label' }, label),
          el('div', { class: 'value', 'data-value': cur[k] }, fmtCompact(cur[k])),
          el('div', { class: `change ${c.dir}`, 'data-previous': prev[k] }, `${c.text} vs previous ${periodLabel(d.filters.period)} (${fmt(prev[k])})`),
        );
      }),
    ),
  );
});
