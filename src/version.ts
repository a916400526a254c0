/**
 * The version `--version` prints: package.json's, read at build time (ncc bundles the JSON), so
 * the installed dist/ reports the version it was built from.
 */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
