/** " in 3 batches": how many child executions of the validation map checked the batch (nothing when unknown). */
export const inBatches = (batches: unknown): string =>
  typeof batches === 'number' ? ` in ${batches.toLocaleString('en-US')} batch${batches === 1 ? '' : 'es'}` : '';
