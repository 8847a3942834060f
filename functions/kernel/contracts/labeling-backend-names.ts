/**
 * Who labels: the stack's own built-in backend, or SageMaker Ground Truth (accounts that have it).
 * Listed once: the step schemas, the settings, the CLI and the packaging region check derive
 * from it. It imports nothing, so the packaging plugin loads it as it is.
 */
export const LABELING_BACKENDS = ['builtin', 'ground-truth'] as const;
