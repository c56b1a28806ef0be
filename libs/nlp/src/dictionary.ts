import type { EntityType } from '@social-pulse/schema';

/**
 * A curated dictionary of the tools and companies data engineers talk about. General NER
 * models miss most of them (or call Kafka a person), so they are matched by name: case-
 * insensitively, on word boundaries, with aliases, and merged with what the model finds.
 *
 * `product` is software or a cloud service; `corporation` is a company, including SaaS
 * vendors whose product carries the company's name (Snowflake, Databricks, Fivetran).
 * Names that are also everyday words are `caseSensitive` (Arrow, Fabric, Hive), or only
 * matched with their qualifier (AWS Glue, Apache Beam).
 */
export interface DictionaryEntry {
  /** The canonical name written to the entity. */
  name: string;
  type: EntityType;
  /** Other spellings; spaces also match hyphens, underscores or nothing (`Power BI`, `powerbi`). */
  aliases?: readonly string[];
  /** Match the name and aliases only as written. */
  caseSensitive?: boolean;
  /** Phrases in which a match does not count (`snowflake schema` is a modeling term). */
  except?: readonly string[];
}

const p = (name: string, aliases: string[] = [], extra: Partial<DictionaryEntry> = {}): DictionaryEntry => ({
  name,
  type: 'product',
  aliases,
  ...extra,
});
const c = (name: string, aliases: string[] = [], extra: Partial<DictionaryEntry> = {}): DictionaryEntry => ({
  name,
  type: 'corporation',
  aliases,
  ...extra,
});
const cs = { caseSensitive: true };

export const DATA_DICTIONARY: readonly DictionaryEntry[] = [
  // Processing engines and libraries
  p('Spark', ['Apache Spark', 'PySpark', 'Spark SQL', 'SparkSQL', 'Spark Streaming']),
  p('Flink', ['Apache Flink', 'PyFlink', 'Flink SQL']),
  p('Beam', ['Apache Beam'], cs),
  p('Dask'),
  p('Ray', ['Ray Data'], cs),
  p('Pandas', ['pandas']),
  p('Polars'),
  p('Arrow', ['Apache Arrow', 'PyArrow'], cs),
  p('DataFusion', ['Apache DataFusion']),
  p('DuckDB', ['duck db']),
  p('Hadoop', ['Apache Hadoop']),
  p('HDFS'),
  p('Hive', ['Apache Hive', 'Hive Metastore'], cs),
  p('dbt', ['dbt Core', 'dbt Cloud', 'dbt-core', 'data build tool']),
  p('SQLMesh'),
  // Streaming
  p('Kafka', ['Apache Kafka', 'Kafka Streams', 'Kafka Connect', 'ksqlDB', 'KSQL']),
  p('Pulsar', ['Apache Pulsar'], cs),
  p('Redpanda'),
  p('Kinesis', ['AWS Kinesis', 'Amazon Kinesis']),
  p('Pub/Sub', ['Google Pub/Sub', 'Cloud Pub/Sub'], cs),
  p('Debezium'),
  p('Materialize', [], cs),
  p('RisingWave'),
  // Orchestration and ingestion
  p('Airflow', ['Apache Airflow']),
  p('Dagster'),
  p('Prefect', [], cs),
  p('Kestra'),
  p('Mage', ['Mage AI', 'mage.ai'], cs),
  p('Luigi', [], cs),
  p('Cloud Composer', ['Google Cloud Composer']),
  p('Step Functions', ['AWS Step Functions']),
  p('Azure Data Factory', ['ADF', 'Data Factory'], cs),
  p('Airbyte'),
  p('Meltano'),
  p('dlt', ['dlthub', 'dlt hub'], cs),
  p('NiFi', ['Apache NiFi']),
  p('AWS Glue', ['Glue job', 'Glue jobs', 'Glue Data Catalog']),
  // Table formats and file formats
  p('Iceberg', ['Apache Iceberg', 'PyIceberg'], { caseSensitive: true, except: ['tip of the Iceberg'] }),
  p('Delta Lake', ['deltalake', 'delta-rs', 'Delta tables', 'Delta table']),
  p('Hudi', ['Apache Hudi']),
  p('Parquet', ['Apache Parquet']),
  p('Avro', ['Apache Avro']),
  p('ORC', [], cs),
  // Warehouses, lakehouses, query engines
  c('Snowflake', ['Snowpark', 'Snowflake Cortex'], { except: ['snowflake schema', 'snowflake schemas', 'snowflake model'] }),
  c('Databricks', ['Databricks SQL']),
  p('BigQuery', ['Google BigQuery', 'Big Query']),
  p('Redshift', ['Amazon Redshift', 'AWS Redshift']),
  p('Synapse', ['Azure Synapse', 'Synapse Analytics']),
  p('Fabric', ['Microsoft Fabric', 'MS Fabric'], { caseSensitive: true, except: ['Data Fabric'] }),
  p('Trino'),
  p('Presto', ['PrestoDB'], cs),
  p('Athena', ['AWS Athena', 'Amazon Athena'], cs),
  p('ClickHouse', ['Click House']),
  p('Druid', ['Apache Druid'], cs),
  p('Pinot', ['Apache Pinot'], cs),
  p('StarRocks'),
  p('Dremio'),
  p('Unity Catalog'),
  p('EMR', ['Amazon EMR', 'AWS EMR'], cs),
  p('Dataproc', ['Google Dataproc']),
  p('Dataflow', ['Google Dataflow', 'Cloud Dataflow'], cs),
  // Databases
  p('PostgreSQL', ['Postgres', 'psql', 'pgsql']),
  p('MySQL'),
  p('SQLite'),
  p('SQL Server', ['MSSQL', 'MS SQL', 'T-SQL']),
  p('Oracle Database', ['Oracle DB']),
  p('MongoDB', ['Mongo']),
  p('Cassandra', ['Apache Cassandra'], cs),
  p('Redis'),
  p('Elasticsearch', ['Elastic Search']),
  p('OpenSearch'),
  p('DynamoDB', ['Dynamo DB']),
  p('Cosmos DB', ['CosmosDB', 'Azure Cosmos DB']),
  p('Supabase'),
  p('Neon', [], cs),
  p('CockroachDB'),
  p('TimescaleDB', ['Timescale']),
  p('pgvector'),
  // Storage
  p('S3', ['Amazon S3', 'AWS S3'], cs),
  p('Google Cloud Storage', ['GCS'], cs),
  p('ADLS', ['Azure Data Lake Storage'], cs),
  // BI and analytics
  p('Looker'),
  p('Looker Studio', ['Data Studio', 'Google Data Studio']),
  p('Tableau'),
  p('Power BI', ['PowerBI']),
  p('Metabase'),
  p('Superset', ['Apache Superset'], cs),
  p('Excel', ['MS Excel', 'Microsoft Excel'], cs),
  p('Streamlit'),
  p('Jupyter', ['JupyterLab', 'Jupyter Notebook', 'Jupyter Notebooks']),
  // Quality, catalog, lineage
  p('Great Expectations'),
  p('Soda Core', ['soda-core']),
  p('DataHub'),
  p('OpenLineage'),
  p('OpenMetadata'),
  // Infrastructure
  p('Kubernetes', ['k8s']),
  p('Docker'),
  p('Terraform'),
  p('Pulumi'),
  p('GitHub Actions'),
  p('AWS', ['Amazon Web Services']),
  p('Azure', ['Microsoft Azure']),
  p('Google Cloud', ['GCP', 'Google Cloud Platform']),
  // Machine learning and AI
  p('MLflow'),
  p('Kubeflow'),
  p('SageMaker', ['Amazon SageMaker', 'AWS SageMaker']),
  p('Vertex AI'),
  p('ChatGPT', ['Chat GPT']),
  p('LangChain'),
  // Companies
  c('dbt Labs', ['dbtlabs']),
  c('Fivetran'),
  c('Confluent'),
  c('MotherDuck'),
  c('Astronomer', [], cs),
  c('Starburst', [], cs),
  c('Cloudera'),
  c('Informatica'),
  c('Talend'),
  c('Matillion'),
  c('Teradata'),
  c('Monte Carlo', ['Monte Carlo Data'], cs),
  c('Atlan'),
  c('Hightouch'),
  c('Google'),
  c('Microsoft'),
  c('Amazon'),
  c('Oracle', [], cs),
  c('IBM'),
  c('SAP', [], cs),
  c('Salesforce'),
  c('Meta', [], cs),
  c('Netflix'),
  c('Uber'),
  c('Airbnb'),
  c('OpenAI'),
  c('Anthropic'),
  c('Hugging Face', ['HuggingFace']),
  c('Palantir'),
];
