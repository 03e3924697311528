import { ValidationError } from '../errors.js';
import { type ColumnSpec, findColumn, type ModelSpec } from '../models/column.js';
import { didYouMean } from '../util/suggest.js';

/**
 * The whitelist check: a column name from user input must be one of the
 * model's columns, or it is a ValidationError naming it (with a suggestion).
 */
export function requireColumn(model: ModelSpec, name: string, context = 'column'): ColumnSpec {
  const column = findColumn(model, name);
  if (column) return column;
  const names = model.columns.map((candidate) => candidate.name);
  const suggestion = didYouMean(name, names);
  throw new ValidationError(`unknown ${context} "${name}" for ${model.table}`, {
    hint: `${suggestion ? `${suggestion} ` : ''}columns: ${names.join(', ')}`,
  });
}
