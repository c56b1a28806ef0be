import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One test configuration for every project. Nothing a test does may leave loopback:
// Google's clients must not probe the metadata server, and no model hub is reachable.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: [fileURLToPath(new URL('./tools/test-setup/temp-root.ts', import.meta.url))],
    setupFiles: [fileURLToPath(new URL('./tools/test-setup/loopback-only.ts', import.meta.url))],
    env: {
      METADATA_SERVER_DETECTION: 'none',
      GOOGLE_CLOUD_PROJECT: 'test-project',
      HF_HUB_OFFLINE: '1',
      PULSE_LOG_LEVEL: 'silent',
      NO_COLOR: '1',
    },
  },
});
