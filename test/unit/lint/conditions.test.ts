/** What the lint decides about conditions without a request. */
import { evaluateCondition } from '../../../src/lint/conditions.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

test('dates against now: past start always, past end never, future end holds today', () => {
  expect(
    evaluateCondition({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, NOW).status,
  ).toBe('always');
  expect(
    evaluateCondition({ DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }, NOW).status,
  ).toBe('never');
  expect(evaluateCondition({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, NOW).status).toBe(
    'always',
  );
  const future = evaluateCondition({ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, NOW);
  expect(future.status).toBe('conditional');
  expect(future.gates[0]).toContain('aws:CurrentTime');
  // Epoch seconds are dates too.
  expect(evaluateCondition({ DateLessThan: { 'aws:EpochTime': '1577836800' } }, NOW).status).toBe('never');
});

test('a never-true key makes the whole block never true, even next to undecidable keys', () => {
  const v = evaluateCondition(
    { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, DateLessThan: { 'aws:CurrentTime': '2019-05-01' } },
    NOW,
  );
  expect(v.status).toBe('never');
});

test('PassedToService is a constraint, not a gate; other keys gate', () => {
  const v = evaluateCondition(
    { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'lambda.amazonaws.com'] } },
    NOW,
  );
  expect(v).toEqual({
    status: 'always',
    gates: [],
    passedToService: ['ec2.amazonaws.com', 'lambda.amazonaws.com'],
  });
  const g = evaluateCondition({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, NOW);
  expect(g.status).toBe('conditional');
  expect(g.gates).toEqual(['StringEquals aws:RequestedRegion "eu-west-1"']);
});

test('IfExists and set operators are never decided; SecureTransport true always holds', () => {
  expect(evaluateCondition({ DateLessThanIfExists: { 'aws:CurrentTime': '2019-01-01' } }, NOW).status).toBe(
    'conditional',
  );
  expect(evaluateCondition({ Bool: { 'aws:SecureTransport': 'true' } }, NOW).status).toBe('always');
  expect(evaluateCondition({ Bool: { 'aws:SecureTransport': 'false' } }, NOW).status).toBe('never');
});
