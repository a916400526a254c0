// Runs once before the emulator tests (test/aws): provisions the emulator so that no test starts
// before it exists.
// A failure here fails the whole run with the reason; nothing is skipped silently.
import { ensureEmulator } from '../../scripts/setup-emulator.mjs';

export default async function globalSetup() {
  ensureEmulator();
}
