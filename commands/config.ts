import { Command } from 'commander';
import { action, type CliScope } from './cli/action.js';

/** `tradedb config`: the effective configuration and where each value came from. */
export function makeConfigCommand(scope: CliScope): Command {
  return new Command('config')
    .description('print the effective configuration and the source of every value')
    .addHelpText(
      'after',
      '\nSources: default, file:<path>, env:<VAR>, flag:--<name>. Paths are shown resolved.',
    )
    .action(
      action(scope, async (ctx) => {
        const loaded = await ctx.config();
        const { KEY_SPECS, configValue } = await ctx.library();
        const renderer = await ctx.renderer();
        const entries = KEY_SPECS.map((spec) => ({
          key: spec.key,
          value: configValue(loaded.config, spec.key),
          source: loaded.sources[spec.key] ?? 'default',
        }));
        if (renderer.format === 'json') {
          const object = Object.fromEntries(
            entries.map(({ key, value, source }) => [key, { value, source }]),
          );
          await renderer.object(object);
        } else {
          await renderer.list({
            columns: [
              { name: 'key', type: 'VARCHAR' },
              { name: 'value', type: 'VARCHAR' },
              { name: 'source', type: 'VARCHAR' },
            ],
            rows: entries,
          });
        }
        ctx.debug(
          loaded.file
            ? `config file: ${loaded.file}`
            : 'no config file found; defaults, environment and flags only',
        );
        return undefined;
      }),
    );
}
