// Lint for the whole workspace. The rule that matters most is Nx's module-boundary rule:
// apps may use libs (through their package entry point only), libs never use apps, and
// the schema lib depends on nothing.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'data/**', '**/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:schema', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:schema'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:schema'] },
            // libs/sources (scope:specs) only through its light entry, @social-pulse/sources/specs (see below).
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:schema', 'scope:specs'] },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:lib', 'type:schema'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The Pulumi program reads the sources' specs (names, credentials) and never loads what runs
    // them: the main entry of libs/sources (HTTP clients, normalizers) is off limits here.
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@social-pulse/sources', message: 'infra imports @social-pulse/sources/specs (the light entry), never the runtime.' }] },
      ],
    },
  },
  {
    // The dashboard's browser bundle (platform browser, assets.ts) must not carry node code:
    // the server sends the source list with each view (DashboardData.sources).
    files: ['apps/dashboard/src/client/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@social-pulse/sources', '@social-pulse/sources/*'], message: 'the page gets the sources from the server (DashboardData.sources).' }] },
      ],
    },
  },
];
