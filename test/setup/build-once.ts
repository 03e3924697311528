import { buildOnce } from '../helpers/build.js';

/**
 * Global setup: tests that spawn the CLI, run the examples or import the
 * package by its name need dist/. `npm test` builds first; this builds once
 * when a subset (`npm run test:quick`, one file) runs on a fresh clone.
 */
export default function setup(): void {
  buildOnce();
}
