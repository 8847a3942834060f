/**
 * The architecture, checked on every `npm run lint` (docs/architecture.md draws it). A stage is
 * the first folder under functions/; `labeling/ground-truth/` and `labeling/builtin/` belong to
 * the labeling stage. A violation fails with the rule's name.
 */
const STAGE = '^functions/(run|validation|labeling|conversion|datasets)/';
/** The labeling backends, each in its own folder under functions/labeling/. */
const BACKEND = 'builtin|ground-truth';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make module load order (and config.ts, which parses at load) fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'rules-are-pure',
      severity: 'error',
      comment: 'rules/ hold domain logic: no AWS SDK, adapter (aws/), Powertools, middy or observability.ts.',
      from: { path: '^functions/.+/rules/' },
      to: {
        path: [
          '(^|/)node_modules/@aws-sdk/',
          '(^|/)node_modules/@smithy/',
          '(^|/)node_modules/@aws-lambda-powertools/',
          '(^|/)node_modules/@middy/',
          '^functions/[^/]+/aws/',
          '^functions/[^/]+/[^/]+/aws/',
          '^functions/kernel/observability\\.ts$',
        ],
      },
    },
    {
      name: 'stages-meet-through-contracts',
      severity: 'error',
      comment:
        'A stage reaches another stage only through its contracts/ (the kernel is open to all); move what two stages share into a contract or the kernel.',
      from: { path: `${STAGE}` },
      to: {
        path: STAGE,
        pathNot: ['^functions/$1/', '^functions/[^/]+/contracts/', '^functions/[^/]+/[^/]+/contracts/'],
      },
    },
    {
      name: 'labeling-backends-stay-apart',
      severity: 'error',
      comment:
        'The built-in and the Ground Truth backend never import each other; what both need lives in labeling/ (aws/, rules/, contracts/) or the kernel.',
      from: { path: `^functions/labeling/(${BACKEND})/` },
      to: { path: `^functions/labeling/(${BACKEND})/`, pathNot: '^functions/labeling/$1/' },
    },
    {
      name: 'only-registries-import-a-backend',
      severity: 'error',
      comment:
        'Backend-neutral labeling code reaches a backend only through the two registries (aws/labeling-starters.ts, aws/labeling-backends.ts), so a third backend is one entry in each.',
      from: {
        path: '^functions/labeling/',
        pathNot: [`^functions/labeling/(${BACKEND})/`, '^functions/labeling/aws/labeling-(starters|backends)\\.ts$'],
      },
      to: { path: `^functions/labeling/(${BACKEND})/` },
    },
    {
      name: 'backends-open-only-their-contracts',
      severity: 'error',
      comment:
        'Outside functions/labeling/ (other stages, the local runtime, the CLI), a backend is reached only through its contracts/; tests and benchmarks may open it to measure its parts.',
      from: { path: '^(functions|local-runtime|cli|scripts)/', pathNot: '^functions/labeling/' },
      to: { path: `^functions/labeling/(${BACKEND})/`, pathNot: `^functions/labeling/(${BACKEND})/contracts/` },
    },
    {
      name: 'kernel-serves-stages',
      severity: 'error',
      comment: 'The kernel is what stages share; it depends on no stage.',
      from: { path: '^functions/kernel/' },
      to: { path: STAGE },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'Lambda code is deployed alone: it never imports the local runtime, the CLI or the benchmarks.',
      from: { path: '^functions/' },
      to: { path: '^(local-runtime|cli|bench)/' },
    },
    {
      name: 'no-handler-imports',
      severity: 'error',
      comment:
        'Handlers are entry points: only tests, benchmarks and the local runtime (by path, at run time) load them.',
      from: { path: '^(functions|cli)/' },
      to: { path: '^functions/.+/handler\\.ts$' },
    },
    {
      name: 'zod-through-the-kernel',
      severity: 'error',
      comment:
        'Schemas import zod only as functions/kernel/schema.ts (zod/mini with the English messages loaded), so classic zod (~430 KB and ~35 ms of cold start per Lambda) cannot creep back.',
      from: { path: '^(functions|cli|local-runtime|test)/', pathNot: '^functions/kernel/schema\\.ts$' },
      to: { path: '(^|/)node_modules/zod/' },
    },
    {
      name: 'kernel-schema-is-zod-mini',
      severity: 'error',
      comment: 'functions/kernel/schema.ts re-exports zod/mini and loads its English locale: nothing of classic zod.',
      from: { path: '^functions/kernel/schema\\.ts$' },
      to: { path: '(^|/)node_modules/zod/', pathNot: '(^|/)node_modules/zod/(mini|locales)/' },
    },
    {
      name: 'page-lib-below-views',
      severity: 'error',
      comment:
        'web/src/lib/ holds what the views share (the task flow, the API client, the context): it never imports a view or the entry point, so the page has no import cycle.',
      from: { path: '^web/src/lib/' },
      to: { path: ['^web/src/views/', '^web/src/main\\.ts$'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would fail at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
