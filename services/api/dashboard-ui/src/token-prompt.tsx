import { useState } from 'preact/hooks';
import { ApiError, SNAPSHOT_PATH, apiClient } from './api-client.js';

/**
 * Asks for SLUICE_API_TOKEN and tries it on the API before keeping it: a refused token keeps the
 * prompt, with the API's answer. The token goes in a header, never in the URL.
 */
export function TokenPrompt({ reason, onAccepted }: { reason: string; onAccepted: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [refusal, setRefusal] = useState<string | undefined>();
  const [checking, setChecking] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setChecking(true);
    try {
      await apiClient(token, () => undefined)('GET', SNAPSHOT_PATH);
      onAccepted(token);
    } catch (error) {
      setRefusal(error instanceof ApiError && error.status === 401 ? 'The API refused this token.' : `The API could not be reached: ${(error as Error).message}`);
    } finally {
      setChecking(false);
    }
  };
  return (
    <form class="token-prompt" onSubmit={(event) => void submit(event)}>
      <h2>API token</h2>
      <p>{reason}</p>
      <label>
        Token <input type="password" name="token" autocomplete="current-password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={checking || token === ''}>
        Open the dashboard
      </button>
      {refusal === undefined ? null : (
        <p class="notice error" role="alert">
          {refusal}
        </p>
      )}
    </form>
  );
}
