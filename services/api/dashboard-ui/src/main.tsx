import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { apiClient, tokenStore } from './api-client.js';
import { Dashboard } from './dashboard.js';
import { TokenPrompt } from './token-prompt.js';

/**
 * The page: the dashboard, or the token prompt while the API answers 401 (SLUICE_API_TOKEN set and
 * no token, or a token it refuses). Without SLUICE_API_TOKEN the API answers and nothing is asked.
 */
function App() {
  const [token, setToken] = useState(tokenStore.get);
  const [prompt, setPrompt] = useState<string | undefined>();
  const call = useMemo(
    () =>
      apiClient(token, () => {
        tokenStore.set(undefined);
        setPrompt(token === undefined ? 'This Sluice needs its API token (SLUICE_API_TOKEN) on every call.' : 'The API refused the saved token: enter the current one.');
      }),
    [token],
  );
  if (prompt !== undefined) {
    return (
      <TokenPrompt
        reason={prompt}
        onAccepted={(accepted) => {
          tokenStore.set(accepted);
          setToken(accepted);
          setPrompt(undefined);
        }}
      />
    );
  }
  const forget = () => {
    tokenStore.set(undefined);
    setToken(undefined);
  };
  return <Dashboard call={call} {...(token === undefined ? {} : { onForgetToken: forget })} />;
}

const root = document.getElementById('app')!;
// Replaces the static "Loading" line (render keeps what it did not make).
root.replaceChildren();
render(<App />, root);
