export { importFile } from './import-file.js';
export { importFormatOf } from './source.js';
export { IMPORTABLE_ORDER_STATUSES } from './targets.js';
export {
  IMPORT_KINDS,
  type ImportFormat,
  type ImportKind,
  type ImportOptions,
  type ImportProgress,
  type ImportReject,
  type ImportResult,
} from './types.js';
