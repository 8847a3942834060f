/** Hash routes, so any static host (CloudFront, the local server) serves the page without rewrites. */
export type Route =
  | { name: 'signin' }
  | { name: 'jobs' }
  | { name: 'task'; jobId: string }
  | { name: 'review'; jobId: string; taskId?: string };

export const parseRoute = (hash: string): Route => {
  const parts = (hash.split('?')[0] ?? '').replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'signin') return { name: 'signin' };
  if (parts[0] === 'jobs' && parts[1]) {
    if (parts[2] === 'label') return { name: 'task', jobId: parts[1] };
    if (parts[2] === 'review')
      return parts[3] ? { name: 'review', jobId: parts[1], taskId: parts[3] } : { name: 'review', jobId: parts[1] };
  }
  return { name: 'jobs' };
};

export const taskHref = (jobId: string): string => `#/jobs/${encodeURIComponent(jobId)}/label`;
export const reviewHref = (jobId: string, taskId?: string): string =>
  `#/jobs/${encodeURIComponent(jobId)}/review${taskId ? `/${encodeURIComponent(taskId)}` : ''}`;
