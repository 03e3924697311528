import type { ModelSpec } from '../../src/admin.js';
import type { Page, Row } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';
import type { Renderer } from '../render/renderer.js';
import { fitView, type TableView } from './table-view.js';

/**
 * Prints model rows as a list: every column of the model in JSON, NDJSON
 * and CSV; the view's columns that fit the terminal in a table.
 */
export async function printRows(
  ctx: CommandContext,
  renderer: Renderer,
  model: ModelSpec,
  rows: readonly object[],
  view: TableView,
): Promise<void> {
  const plain = rows as readonly Row[];
  let names = model.columns.map((column) => column.name);
  if (renderer.format === 'table') {
    const fitted = fitView(view, plain, ctx.terminal.columns);
    names = fitted.columns;
    if (fitted.hidden.length > 0 && plain.length > 0) {
      ctx.info(
        `not shown, to fit the terminal: ${fitted.hidden.join(', ')} (--format json shows every column)`,
      );
    }
  }
  const columns = names.map((name) => {
    const spec = model.columns.find((column) => column.name === name)!;
    return { name, type: spec.type };
  });
  await renderer.list({ columns, rows: plain as Row[] }, columns);
}

/** Prints a page and, when more rows follow, says how to get them. */
export async function printPage(
  ctx: CommandContext,
  renderer: Renderer,
  model: ModelSpec,
  page: Page<object>,
  view: TableView,
  offset: number | undefined,
): Promise<void> {
  await printRows(ctx, renderer, model, page.rows, view);
  if (page.has_more) ctx.info(`more rows follow: add --offset ${(offset ?? 0) + page.rows.length}`);
}
