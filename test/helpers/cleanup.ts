/**
 * Clean-up that helpers schedule for the end of the current test or test
 * file. The hooks that run it are registered by test/setup/cleanup-hooks.ts,
 * a setup file that runs in every test file: test files share their worker's
 * module cache (vitest.config.ts), so a hook registered when a helper module
 * is first imported would only ever run in the first file that imported it.
 */
type Cleanup = () => void | Promise<void>;

const afterTest: Cleanup[] = [];
const afterFile: Cleanup[] = [];

/** Runs `fn` after the current test. */
export function atTestEnd(fn: Cleanup): void {
  afterTest.push(fn);
}

/** Runs `fn` after the current test file's tests. */
export function atFileEnd(fn: Cleanup): void {
  afterFile.push(fn);
}

async function drain(list: Cleanup[]): Promise<void> {
  // Newest first, as nested resources are released.
  for (const fn of list.splice(0).reverse()) await fn();
}

export const runTestCleanup = () => drain(afterTest);
export const runFileCleanup = () => drain(afterFile);
