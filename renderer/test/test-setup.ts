import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // The app keeps its place in the address; each test starts from a fresh one.
  window.history.replaceState(null, '', '/');
});
