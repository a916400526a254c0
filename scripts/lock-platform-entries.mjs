// Records in package-lock.json the platform-specific optional packages that the package
// registry reachable here does not serve (e.g. unrs-resolver's android/darwin/win32 bindings,
// a dependency of jest). Without an entry `npm ci` refuses the lock ("Missing: … from lock
// file"); with an entry restricted by os/cpu, npm skips them on Linux without fetching them.
// Run after `npm install` changes the lock: `node scripts/lock-platform-entries.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const PLATFORM =
  /-(android|darwin|freebsd|linux|openharmony|win32|wasm32)-([a-z0-9]+)(?:-(gnu|musl|gnueabihf|musleabihf|msvc|eabi|wasi))?$/;
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = key ? `${key}/node_modules/` : 'node_modules/';
    if (lock.packages[`node_modules/${dep}`] || lock.packages[`${base}${dep}`]) continue;
    const m = PLATFORM.exec(dep);
    if (!m)
      throw new Error(
        `${dep} (optional dependency of ${key}) is missing from the lock and is not platform-specific`,
      );
    const [, os, cpu, abi] = m;
    const entry = {
      version,
      dev: pkg.dev || undefined,
      optional: true,
      os: [os === 'wasm32' ? 'none' : os],
      cpu: [os === 'wasm32' ? 'wasm32' : cpu],
    };
    if (abi === 'gnu' || abi === 'gnueabihf') entry.libc = ['glibc'];
    if (abi === 'musl' || abi === 'musleabihf') entry.libc = ['musl'];
    lock.packages[`node_modules/${dep}`] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`${added} platform-only optional package(s) recorded in ${file}`);
