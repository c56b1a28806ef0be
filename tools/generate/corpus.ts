import { Weighted, Zipf, type Random } from './random.ts';

/**
 * What synthetic posts are made of: words by language, the products and companies of the
 * field (so that the NLP dictionary and the dashboard's entity panels have something to find),
 * hashtags and link domains, each drawn with a Zipf law as in real feeds.
 */

const EN = `the a to of and in is for on with this that it we our data you are be at from how not
have your just but can about what my by as new so more all an one up when if or will now using
pipeline pipelines table tables query queries model models team stream streaming batch warehouse
lake lakehouse schema job jobs cost latency incident migration contract quality test tests lineage
orchestration dashboard metrics events ingestion partition partitions file files cluster storage
compute sql python scala rust java engineer engineers engineering analytics platform tooling
open source release version upgrade performance benchmark production outage backfill late arriving
dedupe join joins window aggregation airflow dag dags semantic layer catalog governance privacy
hiring interview career junior senior learn learning course talk conference blog thread opinion
hot take today yesterday week finally really great terrible love hate slow fast cheap expensive`
  .split(/\s+/)
  .filter(Boolean);

const DE = 'die der und ist das nicht mit ein für auf daten wir heute endlich schnell langsam tabelle abfrage'.split(' ');
const FR = 'le la les et est des pas pour avec une données nous aujourd’hui rapide lent requête tableau'.split(' ');
const ES = 'el la los y es de no para con una datos hoy rápido lento consulta tabla equipo'.split(' ');
const PT = 'o a os e é de não para com uma dados hoje rápido lento consulta tabela equipe'.split(' ');
const JA = 'データ エンジニア パイプライン 今日 遅い 速い クエリ テーブル 移行 品質 です ます'.split(' ');
const AR = 'البيانات هندسة خط اليوم سريع بطيء استعلام جدول فريق جودة ترحيل'.split(' ');

/** Post languages and their share (a feed that follows an English hashtag, mostly). */
export const LANGUAGES = new Weighted<string>([
  ['en', 70],
  ['de', 8],
  ['fr', 6],
  ['es', 5],
  ['ja', 4],
  ['pt', 4],
  ['ar', 3],
]);

const VOCAB: Record<string, string[]> = { en: EN, de: DE, fr: FR, es: ES, pt: PT, ja: JA, ar: AR };
const WORD_ZIPF = new Map(Object.entries(VOCAB).map(([l, words]) => [l, new Zipf(words.length, 1.05)]));

/** Products and corporations of the field, most mentioned first. */
export const PRODUCTS = [
  'Spark', 'Kafka', 'dbt', 'Snowflake', 'DuckDB', 'Airflow', 'BigQuery', 'Databricks', 'Postgres',
  'Iceberg', 'Flink', 'Dagster', 'Trino', 'ClickHouse', 'Delta Lake', 'Redshift', 'Polars',
  'Fivetran', 'Airbyte', 'Prefect', 'Kubernetes', 'Looker', 'Superset', 'Pandas', 'Parquet',
];
export const COMPANIES = ['Google', 'Amazon', 'Microsoft', 'Databricks', 'Snowflake', 'Confluent', 'dbt Labs', 'MotherDuck', 'Meta', 'Netflix'];
const PRODUCT_ZIPF = new Zipf(PRODUCTS.length, 1.1);
const COMPANY_ZIPF = new Zipf(COMPANIES.length, 1.2);

const NAMED_TAGS = [
  'dataengineering', 'data', 'sql', 'python', 'analytics', 'bigdata', 'dbt', 'duckdb', 'spark',
  'kafka', 'airflow', 'snowflake', 'datascience', 'opensource', 'streaming', 'lakehouse',
  'dataquality', 'iceberg', 'postgres', 'etl', 'elt', 'career', 'ml', 'ai', 'rust', 'cloud',
];
/** Hashtags: the named ones, then a long tail. */
export const TAGS = [...NAMED_TAGS, ...Array.from({ length: 474 }, (_, i) => `topic${i + 1}`)];
const TAG_ZIPF = new Zipf(TAGS.length, 1.15);

const DOMAINS = [
  'github.com', 'medium.com', 'substack.com', 'youtube.com', 'arxiv.org', 'duckdb.org', 'docs.getdbt.com',
  'spark.apache.org', 'kafka.apache.org', 'blog.example.org', 'news.ycombinator.com', 'dev.to',
  'towardsdatascience.com', 'motherduck.com', 'databricks.com', 'snowflake.com', 'clickhouse.com',
];
const DOMAIN_ZIPF = new Zipf(DOMAINS.length, 1.0);

const EMOJI = ['🚀', '🔥', '🦆', '📊', '😅', '🤔', '✅', '💸', '🧵', '👀'];
const ZERO_WIDTH = '\u200b';

export interface Body {
  lang: string;
  words: string[];
  tags: string[];
  links: string[];
  products: string[];
}

/** A post's content: its words (with a few product and company names), hashtags and links. */
export function body(r: Random): Body {
  const lang = LANGUAGES.sample(r);
  const vocab = VOCAB[lang]!;
  const zipf = WORD_ZIPF.get(lang)!;
  const n = Math.max(3, Math.min(400, Math.round(r.logNormal(22, 0.8))));
  const words: string[] = [];
  const products: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = r.float();
    if (u < 0.04) {
      const p = PRODUCTS[PRODUCT_ZIPF.sample(r)]!;
      products.push(p);
      words.push(p);
    } else if (u < 0.05) {
      words.push(COMPANIES[COMPANY_ZIPF.sample(r)]!);
    } else if (u < 0.053) {
      words.push(r.pick(EMOJI));
    } else {
      words.push(vocab[zipf.sample(r)]!);
    }
  }
  // A few texts carry zero-width characters, as real ones do (copy-paste from rich editors).
  if (r.chance(0.01)) words.splice(r.int(words.length), 0, ZERO_WIDTH);
  const tags = [...new Set(Array.from({ length: Math.min(6, r.heavyTail(0.8, 2.5)) }, () => TAGS[TAG_ZIPF.sample(r)]!))];
  const links = r.chance(0.3) ? [`https://${DOMAINS[DOMAIN_ZIPF.sample(r)]!}/${r.pick(EN)}/${r.int(100_000)}`] : [];
  return { lang, words, tags, links, products };
}

/** Plain text of a body, hashtags and links appended as people write them. */
export function plainText(b: Body): string {
  return [b.words.join(' '), ...b.tags.map((t) => `#${t}`), ...b.links].join(' ');
}

/** Escapes text for the HTML bodies of Mastodon, Hacker News and Stack Exchange. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** A short title (stories, Reddit posts, Stack Exchange questions). */
export function title(r: Random, b: Body): string {
  const n = 4 + r.int(9);
  const t = b.words.slice(0, n).join(' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
