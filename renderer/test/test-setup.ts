import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy*/waitFor wait for a value the real core pushes through its events. Testing Library's
// 1 s default is shorter than one event's round trip on a loaded two-core CI machine (a join
// shown 1.2 s after it happened failed a run); a deadline, not a speed check.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  // The app keeps its place in the address; each test starts from a fresh one.
  window.history.replaceState(null, '', '/');
});
