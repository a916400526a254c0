/**
 * The emulator set-up most test/aws files share, in one place: `useMoto()` registers the hooks
 * (start before the file's tests, reset before each so every test starts from a clean account,
 * stop after) and returns a handle that reaches the file's emulator once it runs; `tempRepo()`
 * writes a throwaway repository that the same afterAll removes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startIcGapProxy, type IcGapProxy } from '../../scripts/ic-gap-proxy.mjs';
import { startGapProxy, type GapProxy } from './gap-proxy.js';
import { startMoto, type Moto } from './moto.js';

export interface UseMotoOptions {
  /** Environment for the moto process, e.g. MOTO_IAM_LOAD_MANAGED_POLICIES. */
  env?: Record<string, string>;
  /** Reset before each test (the default); off where tests build on state an earlier one made. */
  reset?: boolean;
}

/** The directories of the file's useMoto(); undefined until it is called. */
let dirs: string[] | undefined;

export function useMoto(opts: UseMotoOptions = {}): Moto {
  let current: Moto | undefined;
  const own: string[] = [];
  dirs = own;
  beforeAll(async () => {
    current = await startMoto(opts.env);
  });
  afterAll(async () => {
    own.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await current?.stop();
  });
  if (opts.reset !== false) beforeEach(async () => get().reset());

  function get(): Moto {
    // Reading the handle at a test file's top level (before beforeAll) is a mistake in the test.
    if (!current) throw new Error('useMoto(): the emulator is used before beforeAll started it');
    return current;
  }
  // A handle, not the Moto itself: hooks run after the file's top level has taken it.
  return {
    get url() {
      return get().url;
    },
    get port() {
      return get().port;
    },
    reset: () => get().reset(),
    data: () => get().data(),
    sentMail: () => get().sentMail(),
    env: () => get().env(),
    clients: (o) => get().clients(o),
    stop: () => get().stop(),
  };
}

/**
 * A temporary repository holding `files` (path relative to the repository → text; parent
 * directories made as needed), removed after the file's tests. Needs useMoto() in the same file.
 */
export function tempRepo(prefix: string, files: Record<string, string> = {}): string {
  if (!dirs) throw new Error('tempRepo(): call useMoto() at the top of the test file first');
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

/** Writes `files` into `dir`, making parent directories. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/**
 * Identity Center in front of the file's emulator: the IAM gap proxy (what moto lacks for IAM,
 * which offboarding an IAM user calls) and the Identity Center gap proxy on top of it, started
 * after the emulator and stopped with it; the returned handle is the Identity Center proxy, the
 * endpoint the tests talk to. Its recorded requests and state are cleared before each test unless
 * `reset` is false.
 */
export function useIcGapProxy(moto: Moto, opts: { reset?: boolean } = {}): IcGapProxy {
  let iamGaps: GapProxy | undefined;
  let current: IcGapProxy | undefined;
  beforeAll(async () => {
    iamGaps = await startGapProxy({ target: moto.url });
    current = await startIcGapProxy(iamGaps.url);
  });
  afterAll(async () => {
    await current?.stop();
    await iamGaps?.stop();
  });
  if (opts.reset !== false) beforeEach(() => get().reset());

  function get(): IcGapProxy {
    if (!current) throw new Error('useIcGapProxy(): the proxy is used before beforeAll started it');
    return current;
  }
  return {
    get url() {
      return get().url;
    },
    get requests() {
      return get().requests;
    },
    get state() {
      return get().state;
    },
    find: (action) => get().find(action),
    clear: () => get().clear(),
    reset: () => get().reset(),
    stop: () => get().stop(),
  };
}
