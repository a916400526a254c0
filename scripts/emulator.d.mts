export function freePort(): Promise<number>;
export function startEmulator(opts?: {
  env?: Record<string, string>;
  bin?: string;
  timeoutMs?: number;
}): Promise<{ url: string; port: number; stop: () => Promise<void> }>;
