import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// jsdom has no fetch of its own, so tests get Node's, whose Request refuses relative URLs. Browsers
// resolve them against the page, and the app relies on that (its API base is same-origin, ''):
// do the same here so tests exercise the real default.
const NodeRequest = globalThis.Request;
class PageRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, window.location.href).href : input, init);
  }
}
globalThis.Request = PageRequest as typeof Request;

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
