import { afterAll, afterEach } from 'vitest';
import { runFileCleanup, runTestCleanup } from '../helpers/cleanup.js';

// Registered in every test file (vitest runs setup files once per file); see test/helpers/cleanup.ts.
afterEach(runTestCleanup);
afterAll(runFileCleanup);
