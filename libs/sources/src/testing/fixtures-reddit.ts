/**
 * Reddit `t3` links as `/r/{sub}/new?raw_json=1` lists them. Awkward cases: a self post with
 * markdown (HTML in `selftext_html`), a link post, a crosspost, a deleted author (no
 * `author_fullname`), an older shape without `upvote_ratio` or flair, Hebrew and emoji.
 */
export type LinkJson = Record<string, unknown> & { id: string; created_utc: number; subreddit: string };

/** Base-36 id `n`. */
export const b36 = (n: number) => n.toString(36);

export function redditLink(n: number, createdUtc: number, over: Partial<LinkJson> = {}): LinkJson {
  const id = b36(n);
  const sub = (over.subreddit as string | undefined) ?? 'dataengineering';
  return {
    approved_at_utc: null,
    subreddit: sub,
    selftext: `Body of post ${id}`,
    author_fullname: 't2_abc123',
    saved: false,
    title: `Question ${id} about pipelines`,
    subreddit_name_prefixed: `r/${sub}`,
    hidden: false,
    link_flair_text: 'Discussion',
    link_flair_type: 'text',
    ups: 12,
    downs: 0,
    upvote_ratio: 0.93,
    score: 12,
    num_comments: 4,
    is_self: true,
    domain: `self.${sub}`,
    selftext_html: `<!-- SC_OFF --><div class="md"><p>Body of post ${id}</p>\n</div><!-- SC_ON -->`,
    edited: false,
    over_18: false,
    spoiler: false,
    locked: false,
    stickied: false,
    author: 'pipeline_pat',
    id,
    name: `t3_${id}`,
    permalink: `/r/${sub}/comments/${id}/question_${id}_about_pipelines/`,
    url: `https://www.reddit.com/r/${sub}/comments/${id}/question_${id}_about_pipelines/`,
    created_utc: createdUtc,
    created: createdUtc,
    num_crossposts: 0,
    ...over,
  };
}

/** `n` posts a minute apart from `t0` (seconds), oldest first, ids increasing. */
export function redditRun(n: number, t0: number, firstId = 1_500_000_000): LinkJson[] {
  return Array.from({ length: n }, (_, i) => redditLink(firstId + i, t0 + i * 60));
}

export function awkwardRedditLinks(t0: number): LinkJson[] {
  return [
    redditLink(1_400_000_001, t0 + 10, {
      title: 'Is dbt + DuckDB enough for a small team? 🤔 #dataengineering',
      selftext: 'We have **50 GB** & growing.\n\nSee [this post](https://motherduck.com/blog/x) — thoughts, u/duck_fan?',
      selftext_html:
        '<!-- SC_OFF --><div class="md"><p>We have <strong>50 GB</strong> &amp; growing.</p>\n\n<p>See <a href="https://motherduck.com/blog/x">this post</a> — thoughts, <a href="/u/duck_fan">u/duck_fan</a>?</p>\n</div><!-- SC_ON -->',
      edited: t0 + 500.5,
      link_flair_text: 'Help',
    }),
    // A link post by a deleted account, from an older listing: no upvote_ratio, no flair, no author_fullname.
    redditLink(1_400_000_002, t0 + 20, {
      title: 'מדריך: הנדסת נתונים עם Kafka',
      selftext: '',
      selftext_html: null,
      is_self: false,
      domain: 'example.co.il',
      url: 'https://example.co.il/kafka-guide',
      author: '[deleted]',
      author_fullname: undefined,
      upvote_ratio: undefined,
      link_flair_text: null,
      post_hint: 'link',
    }),
    // A crosspost of a post in another subreddit.
    redditLink(1_400_000_003, t0 + 30, {
      title: 'Our migration from Airflow to Dagster',
      selftext: '',
      selftext_html: null,
      is_self: false,
      url: '/r/dataengineering/comments/zzzzz/original/',
      crosspost_parent: 't3_zzzzz',
      domain: 'self.python',
    }),
  ];
}
