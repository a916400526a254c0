/**
 * Hang guards for tests that talk to a real server (the emulator, the local GitHub API, a child
 * `node dist/…`). They exist to stop a run that will never finish, not to judge speed: on a busy
 * 2-core machine a scenario runs several times slower than idle, so each is an order of magnitude
 * above the slowest idle figure. Pure unit tests keep jest's default (5 s); nothing asserts on time.
 */

/** One test or hook in test/aws and test/e2e (jest.config.js applies it through server-timeout.ts). */
export const SERVER_TEST_TIMEOUT_MS = 10 * 60_000;

/** One child process (`node dist/index.js`, `node dist/cli.js`); a test may run several in turn. */
export const CHILD_TIMEOUT_MS = 5 * 60_000;
