/** `--account NAME`: repeatable on plan, apply, drift and report only; the same name twice is a mistake. */
import { parseArgs, UsageError } from '../../../src/commands/args.js';

test('--account collects every value, in order, as --account x and --account=x', () => {
  expect(parseArgs(['plan', '--account', 'prod', '--account=dev']).accounts).toEqual(['prod', 'dev']);
  expect(parseArgs(['apply', '--account', 'b', '--yes']).accounts).toEqual(['b']);
  expect(parseArgs(['drift']).accounts).toEqual([]);
  expect(parseArgs(['report', '--account', 'a']).accounts).toEqual(['a']);
});

test('the same account twice, a missing value, or a command without accounts are usage errors', () => {
  expect(() => parseArgs(['plan', '--account', 'b', '--account', 'b'])).toThrow(
    new UsageError('--account b is given twice; give it once'),
  );
  expect(() => parseArgs(['plan', '--account'])).toThrow(/--account needs a value/);
  expect(() => parseArgs(['lint', '--account', 'b'])).toThrow(/lint does not take --account/);
  // Other value flags still refuse a repeat: only --account collects.
  expect(() => parseArgs(['plan', '--format', 'json', '--format', 'text'])).toThrow(
    /--format is given twice/,
  );
});
