import * as z from '../../../kernel/schema';

/**
 * What every route of the built-in labeling API shares: the ids in its paths and the shape of a
 * route's description. Apart from `api.ts` so that the review routes' contracts (in `review/`)
 * and `ROUTES`, which lists them, do not import each other.
 */

export const JobId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a job id is lower-case letters, digits and hyphens'));
export const TaskId = z.string().check(z.regex(/^\d{6}$/, 'a task id is the image index, six digits'));

export const JobPath = z.object({ jobId: JobId });
export const TaskPath = z.object({ jobId: JobId, taskId: TaskId });

export type Method = 'GET' | 'POST';

export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  auth: 'none' | 'jwt' | 'admin';
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  status: number;
  response: z.ZodMiniType;
  /** The error codes this route may answer with, for the document. */
  errors: readonly number[];
}
