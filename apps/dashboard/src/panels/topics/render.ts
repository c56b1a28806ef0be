import { seriesChart } from '../../client/charts.ts';
import { defineSection, section } from '../../client/section.ts';

export const topicsSection = defineSection(
  'topics',
  (v) => section('topics', 'Topics over time', seriesChart('topics', v, { kind: 'line', stacked: false, unit: 'posts' })),
  { grid: 'charts' },
);
