// Kept free of heavy imports: the CLI reads the version from here for --version and --help.
export { PACKAGE_ROOT, TOOL_VERSION } from './version.js';
