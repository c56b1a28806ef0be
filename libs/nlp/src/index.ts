export { createEnricher } from './enricher.ts';
export { createEnricherPool, workerCount } from './pool.ts';
export type { Enricher, EnricherOptions, EnricherStats, EnrichProgress } from './enricher.ts';
export { labelIndex, planEnrichment, modelVersions, recordLabels, textHash } from './plan.ts';
export { modelFingerprint, resolveModelVersions } from './fingerprint.ts';
export type { EnrichItem, EnrichmentPlan, ExistingLabels, LabelIndex, ModelVersion, PlanItem } from './plan.ts';
export { prepareText, postText, DEFAULT_MAX_CHARS } from './prepare.ts';
export type { PrepareOptions } from './prepare.ts';
export { DEFAULT_TOPIC_LABELS, DEFAULT_ENTITY_LABEL_MAP, entityTypeOf, sentimentLabels } from './labels.ts';
export { DATA_DICTIONARY } from './dictionary.ts';
export type { DictionaryEntry } from './dictionary.ts';
export { buildDictionary, DictionaryMatcher } from './dictionary-match.ts';
export type { Span } from './dictionary-match.ts';
export {
  DEFAULT_MODELS,
  NLP_TASKS,
  cudaProviderInstalled,
  loadModel,
  modelFolder,
  modelSpecs,
  nlpConfigRelativeTo,
  requiredFiles,
  resolveDevice,
  resolveModelsDir,
} from './models.ts';
export type { Dtype, LoadedModel, ModelSpec, NlpLogger, NlpTask, RuntimeOptions } from './models.ts';
export { listModels, pullModels, verifyModels, VERIFY_SAMPLE } from './manage.ts';
export type { ManageOptions, ModelStatus, PullOptions, PullResult, VerifyResult } from './manage.ts';
