import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { timedEnv, timeProcess, unsetNote } from '../../src/bench/spawn-timer.js';

describe("the bench's environment for timed processes", () => {
  it('leaves out NODE_EXTRA_CA_CERTS, says so, and keeps the rest', async () => {
    const given = {
      PATH: process.env['PATH'],
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
      KEEP: 'me',
    };
    const { env, unset } = timedEnv(given);
    expect(unset).toEqual(['NODE_EXTRA_CA_CERTS']);
    expect(given.NODE_EXTRA_CA_CERTS).toBeDefined(); // the caller's own object is untouched
    expect(unsetNote(unset)).toContain('NODE_EXTRA_CA_CERTS unset for every timed process');
    const child = await timeProcess(
      [
        '-e',
        'process.stdout.write(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.KEEP]))',
      ],
      { cwd: os.tmpdir(), env },
    );
    expect(JSON.parse(child.stdout)).toEqual([null, 'me']);
  });

  it('changes nothing when the variable is not set', () => {
    const given = { PATH: '/usr/bin' };
    const { env, unset } = timedEnv(given);
    expect(env).toEqual(given);
    expect(unset).toEqual([]);
    expect(unsetNote(unset)).toBe('');
  });
});
