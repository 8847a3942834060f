import type { Api } from './api';
import type { Auth } from './auth';

/** What every view gets: the API client, the signed-in user, and a way to leave (cleanup on route change). */
export interface AppContext {
  api: Api;
  auth: Auth;
  email: string;
  admin: boolean;
  root: HTMLElement;
  onLeave(cleanup: () => void): void;
}
