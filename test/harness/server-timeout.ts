// setupFilesAfterEnv of the emulator and e2e projects (jest.config.js): their tests and hooks start
// and talk to real servers, so they get the generous hang guard instead of jest's 5 s default.
import { jest } from '@jest/globals';
import { SERVER_TEST_TIMEOUT_MS } from './timeouts.js';

jest.setTimeout(SERVER_TEST_TIMEOUT_MS);
