/**
 * Which public escalation paths the catalogue covers. The lists below are the public catalogues
 * as published (pathfinding.cloud path ids; Rhino Security Labs' aws_escalate.py methods), each
 * mapped to the catalogue entry that finds it; a path the catalogue lacks fails here by name.
 */
import { findAction } from '../../../src/catalog/actions.js';
import { ESCALATION_PATHS } from '../../../src/lint/escalation-paths.js';

/** pathfinding.cloud: IAM manipulation, PassRole to new resources, existing resources. */
const PATHFINDING = [
  ...['001', '002', '003', '004', '005', '006', '007', '008', '009', '010', '011'].map((n) => `iam-${n}`),
  ...['012', '013', '014', '015', '016', '017', '018', '019', '020', '021'].map((n) => `iam-${n}`),
  'sts-001',
  'ec2-001',
  'ec2-002',
  'ec2-003',
  'ec2-004',
  'ec2instanceconnect-003',
  'lambda-001',
  'lambda-002',
  'lambda-003',
  'lambda-004',
  'lambda-005',
  'lambda-006',
  'glue-001',
  'glue-002',
  'glue-003',
  'glue-004',
  'glue-005',
  'glue-006',
  'cloudformation-001',
  'cloudformation-002',
  'cloudformation-003',
  'cloudformation-004',
  'cloudformation-005',
  'datapipeline-001',
  'codebuild-001',
  'codebuild-002',
  'codebuild-003',
  'codebuild-004',
  'ecs-001',
  'ecs-002',
  'ecs-003',
  'ecs-004',
  'ecs-005',
  'ecs-006',
  'sagemaker-001',
  'sagemaker-002',
  'sagemaker-003',
  'sagemaker-004',
  'sagemaker-005',
  'ssm-001',
  'ssm-002',
  'apprunner-001',
  'apprunner-002',
  'bedrock-001',
  'bedrock-002',
];

/** Rhino Security Labs aws_escalate.py method → catalogue entry. */
const RHINO: Record<string, string> = {
  CreateNewPolicyVersion: 'iam-001',
  SetExistingDefaultPolicyVersion: 'iam-set-default-version',
  CreateEC2WithExistingIP: 'ec2-001',
  CreateAccessKey: 'iam-002',
  CreateLoginProfile: 'iam-004',
  UpdateLoginProfile: 'iam-006',
  AttachUserPolicy: 'iam-008',
  AttachGroupPolicy: 'iam-010',
  AttachRolePolicy: 'iam-014',
  PutUserPolicy: 'iam-007',
  PutGroupPolicy: 'iam-011',
  PutRolePolicy: 'iam-017',
  AddUserToGroup: 'iam-013',
  UpdateRolePolicyToAssumeIt: 'iam-012',
  PassExistingRoleToNewLambdaThenInvoke: 'lambda-001',
  PassExistingRoleToNewLambdaThenTriggerWithNewDynamo: 'lambda-002',
  PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo: 'lambda-002',
  PassExistingRoleToNewGlueDevEndpoint: 'glue-001',
  UpdateExistingGlueDevEndpoint: 'glue-002',
  PassExistingRoleToCloudFormation: 'cloudformation-001',
  PassExistingRoleToNewDataPipeline: 'datapipeline-001',
  EditExistingLambdaFunctionWithRole: 'lambda-003',
};

const ids = new Set(ESCALATION_PATHS.map((p) => p.id));

test('every pathfinding.cloud path is in the catalogue', () => {
  expect(PATHFINDING.filter((id) => !ids.has(id))).toEqual([]);
});

test('every Rhino Security Labs method maps to a catalogue entry', () => {
  expect(Object.entries(RHINO).filter(([, id]) => !ids.has(id))).toEqual([]);
});

test('each entry names its source; a pathfinding source is a real pathfinding id', () => {
  for (const p of ESCALATION_PATHS) {
    expect(p.source.length).toBeGreaterThan(5);
    const m = /^pathfinding\.cloud (\S+)$/.exec(p.source);
    if (m) {
      expect(m[1]).toBe(p.id);
      expect(PATHFINDING).toContain(p.id);
    }
  }
});

test('ids are unique and every step names a catalogued action', () => {
  expect(ids.size).toBe(ESCALATION_PATHS.length);
  const unknown = ESCALATION_PATHS.flatMap((p) => p.steps.map((s) => s.action)).filter((a) => !findAction(a));
  expect(unknown).toEqual([]);
});

test('the issue-13 gaps are catalogued: Batch, EMR, Lambda configuration, a new role trusting the user', () => {
  const by = (action: string): string[] =>
    ESCALATION_PATHS.filter((p) => p.steps.some((s) => s.action === action)).map((p) => p.id);
  expect(by('batch:SubmitJob')).toEqual(expect.arrayContaining(['batch-new-job', 'batch-submit-override']));
  expect(by('elasticmapreduce:RunJobFlow')).toEqual(['emr-new-cluster']);
  expect(by('lambda:UpdateFunctionConfiguration')).toContain('lambda-config-injection');
  const newRole = ESCALATION_PATHS.filter((p) => p.id.startsWith('iam-new-role'));
  expect(newRole.map((p) => p.kind)).toEqual(['escalation', 'escalation']);
});
