/**
 * Stack Exchange questions as `/2.3/questions?filter=withbody` returns them: HTML bodies,
 * HTML-encoded titles and names, a deleted owner (`does_not_exist`, display name only), an
 * older question without `content_license`, a closed one, Cyrillic and emoji.
 */
export type QuestionJson = Record<string, unknown> & { question_id: number; creation_date: number; tags: string[] };

export function seQuestion(id: number, creationDate: number, over: Partial<QuestionJson> = {}): QuestionJson {
  return {
    tags: ['data-engineering', 'apache-spark'],
    owner: {
      account_id: 9000000 + (id % 100),
      reputation: 1234,
      user_id: 8000000 + (id % 100),
      user_type: 'registered',
      profile_image: 'https://www.gravatar.com/avatar/x?s=256&d=identicon&r=PG',
      display_name: 'Kim Lee',
      link: `https://stackoverflow.com/users/${8000000 + (id % 100)}/kim-lee`,
    },
    is_answered: false,
    view_count: 42,
    answer_count: 1,
    score: 2,
    last_activity_date: creationDate + 600,
    creation_date: creationDate,
    question_id: id,
    content_license: 'CC BY-SA 4.0',
    link: `https://stackoverflow.com/questions/${id}/question-${id}`,
    title: `How do I partition question ${id}?`,
    body: `<p>Question ${id}: how should I partition my Parquet files?</p>\n`,
    ...over,
  };
}

/** `n` questions a minute apart from `t0` (seconds), oldest first. */
export function seRun(n: number, t0: number, firstId = 79_000_000): QuestionJson[] {
  return Array.from({ length: n }, (_, i) => seQuestion(firstId + i, t0 + i * 60));
}

export function awkwardQuestions(t0: number): QuestionJson[] {
  return [
    seQuestion(78_000_001, t0 + 10, {
      title: 'Why doesn&#39;t Spark&#39;s <code>coalesce</code> reduce files &amp; partitions? 😕',
      body:
        '<p>I run <code>df.coalesce(1)</code> but get many files:</p>\n<pre><code>spark.write.parquet(&quot;s3://b/x&quot;)\n</code></pre>\n<p>Docs: <a href="https://spark.apache.org/docs/latest/" rel="nofollow noreferrer">Spark docs</a></p>\n',
      is_answered: true,
      accepted_answer_id: 78_000_050,
      answer_count: 3,
      score: 15,
      view_count: 1500,
      last_edit_date: t0 + 300,
    }),
    // Deleted owner, older question (no content_license), Cyrillic.
    seQuestion(78_000_002, t0 + 20, {
      title: 'Как построить конвейер данных на Airflow?',
      body: '<p>Нужен пример DAG &mdash; спасибо!</p>',
      owner: { user_type: 'does_not_exist', display_name: 'user123&amp;co' },
      content_license: undefined,
      score: -1,
      answer_count: 0,
      view_count: 7,
    }),
    seQuestion(78_000_003, t0 + 30, {
      title: 'Closed: best ETL tool?',
      closed_date: t0 + 900,
      closed_reason: 'Opinion-based',
      tags: ['data-engineering', 'etl'],
    }),
  ];
}
