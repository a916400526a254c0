/** Reads users/*.csv, policies/*.json and iam-gitops.yml into a DesiredState (SPEC §2). */
import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';

export interface LoadResult {
  /** null when any error-severity diagnostic was found. */
  state: DesiredState | null;
  /** Every problem found, errors and warnings, in file then line order. */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Config file path relative to dir (action input `config`); default `iam-gitops.yml`. */
  configPath?: string;
}

/** Reads and validates every file under `dir`. Never throws for bad input: problems are diagnostics. */
export async function loadDesired(_dir: string, _opts: LoadOptions = {}): Promise<LoadResult> {
  throw new Error('loadDesired: not implemented yet');
}
