import { seriesChart } from '../../client/charts.ts';
import { defineSection, section } from '../../client/section.ts';

export const volumeSection = defineSection(
  'volume',
  (v, { d }) => section('volume', 'Posts by source', seriesChart('volume', v, { kind: 'bar', stacked: true, unit: 'posts', events: d.events })),
  { grid: 'charts' },
);
