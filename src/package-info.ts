// The package's third entry, `tradedb/version`: the version and the package's folder, free of heavy
// imports, so the CLI reads them for --version and --help without loading the library.
export { PACKAGE_ROOT, TOOL_VERSION } from './version.js';
