import { seriesChart } from '../../client/charts.ts';
import { defineSection, section } from '../../client/section.ts';

export const sentimentSection = defineSection(
  'sentiment',
  (v) => section('sentiment', 'Sentiment over time', seriesChart('sentiment', v, { kind: 'bar', stacked: true, unit: 'posts' })),
  { grid: 'charts' },
);
