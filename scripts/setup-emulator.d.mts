export const MOTO_VERSION: string;
export const VENV: string;
export function motoServerPath(): string;
export function ensureEmulator(opts?: { quiet?: boolean }): string;
