/** The dashboard's live JSON (services/api/src/routes/dashboard.ts). */
export const SNAPSHOT_PATH = '/sluice/v1/dashboard';

/** An answer other than 2xx, with Lambda's error type (x-amzn-ErrorType) and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type Call = <T>(method: 'GET' | 'POST' | 'DELETE', path: string) => Promise<T>;

/**
 * Calls the Sluice API from the page: the token, when there is one, goes in the Authorization
 * header (never in a URL), as `Bearer <token>`; a 401 calls `onRefused`, which asks for the token.
 */
export function apiClient(token: string | undefined, onRefused: () => void): Call {
  return async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    if (!response.ok) {
      if (response.status === 401) onRefused();
      let message = text;
      try {
        message = (JSON.parse(text) as { Message?: string }).Message ?? text;
      } catch {
        // Not Lambda's JSON shape (a proxy's page): its text is the message.
      }
      throw new ApiError(response.status, response.headers.get('x-amzn-errortype') ?? undefined, message || `HTTP ${response.status}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
}

const TOKEN_KEY = 'sluice-api-token';

/** Kept for the browser tab's session only (sessionStorage), so a reload does not ask again. */
export const tokenStore = {
  get: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  set: (token: string | undefined) => (token === undefined ? sessionStorage.removeItem(TOKEN_KEY) : sessionStorage.setItem(TOKEN_KEY, token)),
};
