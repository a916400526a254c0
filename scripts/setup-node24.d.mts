export const NODE24_VERSION: string;
export const NODE24_DIR: string;
export function node24Path(dir?: string): string;
export function installedNode24(dir?: string): string | null;
export function nodeVersion(bin: string): string | Error;
export function ensureNode24(opts?: { quiet?: boolean; dir?: string; npm?: string }): string;
export function e2eNode(opts?: {
  ci?: boolean;
  override?: string;
  dir?: string;
  running?: { bin: string; version: string };
}): { bin: string; version: string; source: string };
