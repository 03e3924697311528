import { describe, expect, it } from 'vitest';
import type { CliScope } from '../../commands/cli/action.js';
import { Output } from '../../commands/cli/io.js';
import { COMMANDS, requestedCommand } from '../../commands/cli/registry.js';
import { Capture } from '../helpers/cli.js';

describe('the command registry', () => {
  const io = { stdout: new Capture(), stderr: new Capture(), env: {}, cwd: process.cwd() };
  const scope: CliScope = {
    io,
    out: new Output(io.stdout),
    err: new Output(io.stderr, 'stderr'),
    setExitCode: () => {},
  };

  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))(
    '%s: the summary in top-level help is the command’s own description',
    async (name, entry) => {
      const command = (await entry.load())(scope);
      expect(command.name()).toBe(name);
      expect(command.description()).toBe(entry.summary);
    },
  );

  it.each([
    [['query', 'order', 'x'], 'query'],
    [['--database', 'query', 'backup'], 'backup'],
    [['-c', 'x.toml', '--json', 'stats'], 'stats'],
    [['--json', 'help', 'restore'], 'restore'],
    [['--help'], undefined],
    [[], undefined],
  ])('finds the subcommand in %j', (argv, name) => {
    expect(requestedCommand(argv)).toBe(name);
  });
});
