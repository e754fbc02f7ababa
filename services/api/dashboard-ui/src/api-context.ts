import { createContext } from 'preact';
import type { Call } from './api-client.js';

/** The page's API caller (with the token), for the pages that load their own lists. */
export const ApiContext = createContext<Call>(() => Promise.reject(new Error('no API client')));
