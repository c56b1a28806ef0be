import { fmt } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';

export const hashtagsSection = defineSection(
  'hashtags',
  (v) => section('hashtags', 'Top hashtags', table('hashtags', ['hashtag', 'posts', 'authors'], v.map((t) => [`#${t.tag}`, fmt(t.posts), fmt(t.authors)]), [1, 2])),
  { grid: 'tables' },
);
