import { eventName } from '../../client/charts.ts';
import { el } from '../../client/dom.ts';
import { fmt, utc } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';

export const eventsSection = defineSection('events', (v) =>
  section('events', 'Events',
    el('p', { class: 'note' }, 'Hours in which a hashtag, entity or topic had far more posts than usual (▲ on the volume chart); strongest first.'),
    table('events', ['started (UTC)', 'what', 'kind', 'posts', 'usual', 'score', 'status'],
      v.map((e) => [utc(e.startedAt), eventName(e), e.kind, fmt(e.observed), e.expected.toFixed(1), e.score.toFixed(1), e.status]), [3, 4, 5])),
);
