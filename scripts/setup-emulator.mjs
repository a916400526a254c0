// Provisions the AWS emulator (moto in server mode) into a git-ignored virtual environment.
// Idempotent: a venv whose moto version matches MOTO_VERSION is left as it is.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_VERSION = '5.2.5';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VENV = process.env.IAM_GITOPS_MOTO_VENV ?? path.join(root, '.moto-venv');
const stamp = path.join(VENV, 'iam-gitops-moto-version');

export function motoServerPath() {
  return path.join(VENV, 'bin', 'moto_server');
}

export function ensureEmulator({ quiet = false } = {}) {
  if (
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === MOTO_VERSION &&
    existsSync(motoServerPath())
  ) {
    return motoServerPath();
  }
  const python = process.env.PYTHON ?? 'python3';
  const log = (m) => quiet || console.error(m);
  log(`setting up the AWS emulator: moto[server]==${MOTO_VERSION} in ${VENV} (first run only)`);
  try {
    rmSync(VENV, { recursive: true, force: true });
    mkdirSync(path.dirname(VENV), { recursive: true });
    execFileSync(python, ['-m', 'venv', VENV], { stdio: quiet ? 'ignore' : 'inherit' });
    execFileSync(
      path.join(VENV, 'bin', 'pip'),
      [
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--only-binary=:all:',
        `moto[server]==${MOTO_VERSION}`,
      ],
      { stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] },
    );
  } catch (err) {
    throw new Error(
      `could not provision the AWS emulator (moto[server]==${MOTO_VERSION}) with ${python}: ${err.message}. ` +
        'It needs Python >= 3.10 with venv and access to PyPI.',
    );
  }
  writeFileSync(stamp, MOTO_VERSION + '\n');
  return motoServerPath();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const bin = ensureEmulator();
    console.log(`AWS emulator ready: ${bin}`);
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
