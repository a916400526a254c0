/**
 * Privilege-escalation paths as data (ids from pathfinding.cloud where one exists).
 * kind: escalation (table 1.1/1.2, error), target-dependent (1.3: needs a privileged existing
 * resource, warning), candidate (1.4, warning).
 * target: which resources of the step keep the path open (see escalation.ts `reach`).
 */
export type Target = 'any' | 'self' | 'other' | 'customer-policy' | 'role' | 'group';

export interface PathStep {
  action: string;
  target?: Target;
}

export interface EscalationPath {
  id: string;
  kind: 'escalation' | 'target-dependent' | 'candidate';
  title: string;
  steps: PathStep[];
  /** For PassRole paths: the service principal the passed role must trust. */
  passTo?: string;
  /** How the attack works, completing "With these permissions, …". */
  how: string;
}

const PR: PathStep = { action: 'iam:PassRole', target: 'role' };

function passRole(id: string, title: string, passTo: string, actions: string[], how: string): EscalationPath {
  return {
    id,
    kind: 'escalation',
    title,
    passTo,
    steps: [PR, ...actions.map((action) => ({ action }))],
    how,
  };
}

function step(action: string, target?: Target): PathStep {
  return target ? { action, target } : { action };
}

export const ESCALATION_PATHS: EscalationPath[] = [
  // 1.1 IAM principal and policy manipulation
  {
    id: 'iam-001',
    kind: 'escalation',
    title: 'new policy version',
    steps: [step('iam:CreatePolicyVersion', 'customer-policy')],
    how: 'the user can publish a new default version of a customer managed policy attached to itself (`--set-as-default`) granting `*`',
  },
  {
    id: 'iam-set-default-version',
    kind: 'escalation',
    title: 'set default policy version',
    steps: [step('iam:SetDefaultPolicyVersion', 'customer-policy')],
    how: 'the user can switch an attached customer managed policy to an older, more privileged version',
  },
  {
    id: 'iam-002',
    kind: 'escalation',
    title: 'access key for another user',
    steps: [step('iam:CreateAccessKey', 'other')],
    how: 'the user can create access keys for a more privileged user and act as that user',
  },
  {
    id: 'iam-003',
    kind: 'escalation',
    title: "replace another user's access key",
    steps: [step('iam:CreateAccessKey', 'other'), step('iam:DeleteAccessKey', 'other')],
    how: "the user can delete one of another user's two keys and create a new one",
  },
  {
    id: 'iam-004',
    kind: 'escalation',
    title: 'console password for another user',
    steps: [step('iam:CreateLoginProfile', 'other')],
    how: 'the user can give a more privileged user a console password it knows and sign in as that user',
  },
  {
    id: 'iam-006',
    kind: 'escalation',
    title: "change another user's console password",
    steps: [step('iam:UpdateLoginProfile', 'other')],
    how: "the user can reset a more privileged user's console password and sign in as that user",
  },
  {
    id: 'iam-007',
    kind: 'escalation',
    title: 'inline policy on itself',
    steps: [step('iam:PutUserPolicy', 'self')],
    how: 'the user can write an inline policy granting `*` on its own user',
  },
  {
    id: 'iam-008',
    kind: 'escalation',
    title: 'attach a policy to itself',
    steps: [step('iam:AttachUserPolicy', 'self')],
    how: 'the user can attach AdministratorAccess to its own user',
  },
  {
    id: 'iam-010',
    kind: 'escalation',
    title: 'attach a policy to its group',
    steps: [step('iam:AttachGroupPolicy', 'group')],
    how: 'the user can attach AdministratorAccess to a group it belongs to',
  },
  {
    id: 'iam-011',
    kind: 'escalation',
    title: 'inline policy on its group',
    steps: [step('iam:PutGroupPolicy', 'group')],
    how: 'the user can write an inline policy granting `*` on a group it belongs to',
  },
  {
    id: 'iam-013',
    kind: 'escalation',
    title: 'join a group',
    steps: [step('iam:AddUserToGroup', 'group')],
    how: 'the user can add itself to a privileged group',
  },
  {
    id: 'iam-014',
    kind: 'escalation',
    title: 'attach a policy to a role and assume it',
    steps: [step('iam:AttachRolePolicy', 'role'), step('sts:AssumeRole', 'role')],
    how: 'the user can attach AdministratorAccess to a role that trusts it and assume that role',
  },
  {
    id: 'iam-017',
    kind: 'escalation',
    title: 'inline policy on a role and assume it',
    steps: [step('iam:PutRolePolicy', 'role'), step('sts:AssumeRole', 'role')],
    how: 'the user can write an inline `*` policy on a role that trusts it and assume that role',
  },
  {
    id: 'iam-012',
    kind: 'escalation',
    title: 'rewrite a role trust policy',
    steps: [step('iam:UpdateAssumeRolePolicy', 'role')],
    how: 'the user can make a privileged role trust itself and then assume it',
  },
  {
    id: 'iam-015',
    kind: 'escalation',
    title: 'attach a policy to another user and create its key',
    steps: [step('iam:AttachUserPolicy', 'other'), step('iam:CreateAccessKey', 'other')],
    how: 'the user can make another user an administrator and create access keys for it',
  },
  {
    id: 'iam-016',
    kind: 'escalation',
    title: 'new policy version and assume the role',
    steps: [step('iam:CreatePolicyVersion', 'customer-policy'), step('sts:AssumeRole', 'role')],
    how: 'the user can rewrite a policy attached to a role that trusts it and assume the role',
  },
  {
    id: 'iam-018',
    kind: 'escalation',
    title: 'inline policy on another user and create its key',
    steps: [step('iam:PutUserPolicy', 'other'), step('iam:CreateAccessKey', 'other')],
    how: 'the user can give another user an inline `*` policy and create access keys for it',
  },
  // 1.2 PassRole to a new compute or service resource
  passRole(
    'ec2-001',
    'EC2 instance with a passed role',
    'ec2.amazonaws.com',
    ['ec2:RunInstances'],
    'the user can launch an instance with a privileged instance profile and read its role credentials from the metadata service',
  ),
  passRole(
    'ec2-003',
    'Spot instance with a passed role',
    'ec2.amazonaws.com',
    ['ec2:RequestSpotInstances'],
    'the user can request a Spot instance with a privileged instance profile and read its credentials',
  ),
  passRole(
    'lambda-001',
    'new Lambda function, invoked',
    'lambda.amazonaws.com',
    ['lambda:CreateFunction', 'lambda:InvokeFunction'],
    'the user can create a function running as a privileged role and invoke it',
  ),
  passRole(
    'lambda-002',
    'new Lambda function, event source',
    'lambda.amazonaws.com',
    ['lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    'the user can create a function running as a privileged role and trigger it from an event source',
  ),
  passRole(
    'lambda-006',
    'new Lambda function, resource policy',
    'lambda.amazonaws.com',
    ['lambda:CreateFunction', 'lambda:AddPermission'],
    'the user can create a function running as a privileged role and allow itself to invoke it',
  ),
  passRole(
    'glue-001',
    'Glue development endpoint',
    'glue.amazonaws.com',
    ['glue:CreateDevEndpoint'],
    'the user can create a dev endpoint with a privileged role and SSH into it',
  ),
  passRole(
    'glue-003',
    'Glue job, run',
    'glue.amazonaws.com',
    ['glue:CreateJob', 'glue:StartJobRun'],
    'the user can create and run a Glue job as a privileged role',
  ),
  passRole(
    'glue-004',
    'Glue job, trigger',
    'glue.amazonaws.com',
    ['glue:CreateJob', 'glue:CreateTrigger'],
    'the user can create a Glue job as a privileged role and a trigger that starts it',
  ),
  passRole(
    'glue-005',
    'update Glue job, run',
    'glue.amazonaws.com',
    ['glue:UpdateJob', 'glue:StartJobRun'],
    'the user can point a Glue job at a privileged role and run it',
  ),
  passRole(
    'glue-006',
    'update Glue job, trigger',
    'glue.amazonaws.com',
    ['glue:UpdateJob', 'glue:CreateTrigger'],
    'the user can point a Glue job at a privileged role and trigger it',
  ),
  passRole(
    'cloudformation-001',
    'CloudFormation stack with a role',
    'cloudformation.amazonaws.com',
    ['cloudformation:CreateStack'],
    'the user can create a stack that runs as a privileged service role and creates anything',
  ),
  passRole(
    'cloudformation-003',
    'StackSet with instances',
    'cloudformation.amazonaws.com',
    ['cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'],
    'the user can deploy a StackSet with a privileged execution role',
  ),
  passRole(
    'cloudformation-004',
    'update StackSet',
    'cloudformation.amazonaws.com',
    ['cloudformation:UpdateStackSet'],
    'the user can update a StackSet to run with a privileged execution role',
  ),
  passRole(
    'datapipeline-001',
    'Data Pipeline',
    'datapipeline.amazonaws.com',
    ['datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition', 'datapipeline:ActivatePipeline'],
    'the user can run a pipeline whose activities run as a privileged role',
  ),
  passRole(
    'codebuild-001',
    'CodeBuild project, build',
    'codebuild.amazonaws.com',
    ['codebuild:CreateProject', 'codebuild:StartBuild'],
    'the user can create a build project with a privileged service role and run commands in it',
  ),
  passRole(
    'codebuild-004',
    'CodeBuild project, batch build',
    'codebuild.amazonaws.com',
    ['codebuild:CreateProject', 'codebuild:StartBuildBatch'],
    'the user can create a build project with a privileged service role and run a batch build',
  ),
  passRole(
    'ecs-001',
    'ECS cluster, task definition and service',
    'ecs-tasks.amazonaws.com',
    ['ecs:CreateCluster', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'],
    'the user can run a container with a privileged task role',
  ),
  passRole(
    'ecs-002',
    'ECS cluster, task definition and RunTask',
    'ecs-tasks.amazonaws.com',
    ['ecs:CreateCluster', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'],
    'the user can run a task with a privileged task role',
  ),
  passRole(
    'ecs-003',
    'ECS task definition and service',
    'ecs-tasks.amazonaws.com',
    ['ecs:RegisterTaskDefinition', 'ecs:CreateService'],
    'the user can run a service whose tasks have a privileged task role',
  ),
  passRole(
    'ecs-004',
    'ECS task definition and RunTask',
    'ecs-tasks.amazonaws.com',
    ['ecs:RegisterTaskDefinition', 'ecs:RunTask'],
    'the user can run a task with a privileged task role',
  ),
  passRole(
    'ecs-005',
    'ECS task definition and StartTask',
    'ecs-tasks.amazonaws.com',
    ['ecs:RegisterTaskDefinition', 'ecs:StartTask'],
    'the user can start a task with a privileged task role',
  ),
  passRole(
    'sagemaker-001',
    'SageMaker notebook instance',
    'sagemaker.amazonaws.com',
    ['sagemaker:CreateNotebookInstance'],
    'the user can open a notebook running as a privileged role',
  ),
  passRole(
    'sagemaker-002',
    'SageMaker training job',
    'sagemaker.amazonaws.com',
    ['sagemaker:CreateTrainingJob'],
    'the user can run training code as a privileged role',
  ),
  passRole(
    'sagemaker-003',
    'SageMaker processing job',
    'sagemaker.amazonaws.com',
    ['sagemaker:CreateProcessingJob'],
    'the user can run processing code as a privileged role',
  ),
  passRole(
    'apprunner-001',
    'App Runner service',
    'tasks.apprunner.amazonaws.com',
    ['apprunner:CreateService'],
    'the user can run a service with a privileged instance role',
  ),
  passRole(
    'bedrock-001',
    'AgentCore code interpreter',
    'bedrock-agentcore.amazonaws.com',
    [
      'bedrock-agentcore:CreateCodeInterpreter',
      'bedrock-agentcore:StartCodeInterpreterSession',
      'bedrock-agentcore:InvokeCodeInterpreter',
    ],
    'the user can run code in an interpreter with a privileged execution role',
  ),
  // 1.3 existing resources that may already run with a privileged role
  {
    id: 'sts-001',
    kind: 'target-dependent',
    title: 'assume any role',
    steps: [step('sts:AssumeRole', 'role')],
    how: 'the user can assume any role whose trust policy allows it or the account',
  },
  {
    id: 'iam-009',
    kind: 'target-dependent',
    title: 'attach a policy to a role',
    steps: [step('iam:AttachRolePolicy', 'role')],
    how: 'the user can attach AdministratorAccess to any role; it escalates when a role it can use (an instance profile, a function) is changed',
  },
  {
    id: 'iam-005',
    kind: 'target-dependent',
    title: 'inline policy on a role',
    steps: [step('iam:PutRolePolicy', 'role')],
    how: 'the user can write an inline `*` policy on any role; it escalates when it can use that role',
  },
  {
    id: 'lambda-003',
    kind: 'target-dependent',
    title: 'edit Lambda function code',
    steps: [step('lambda:UpdateFunctionCode')],
    how: 'the user can replace the code of a function that runs with a privileged role',
  },
  {
    id: 'glue-002',
    kind: 'target-dependent',
    title: 'update Glue dev endpoint',
    steps: [step('glue:UpdateDevEndpoint')],
    how: 'the user can add its SSH key to a dev endpoint that runs with a privileged role',
  },
  {
    id: 'cloudformation-002',
    kind: 'target-dependent',
    title: 'update a stack',
    steps: [step('cloudformation:UpdateStack')],
    how: 'the user can change a stack that deploys with a privileged service role',
  },
  {
    id: 'cloudformation-005',
    kind: 'target-dependent',
    title: 'stack change set',
    steps: [step('cloudformation:CreateChangeSet'), step('cloudformation:ExecuteChangeSet')],
    how: 'the user can execute a change set on a stack with a privileged service role',
  },
  {
    id: 'codebuild-002',
    kind: 'target-dependent',
    title: 'start a build',
    steps: [step('codebuild:StartBuild')],
    how: 'the user can override the buildspec of a project with a privileged role',
  },
  {
    id: 'codebuild-003',
    kind: 'target-dependent',
    title: 'start a batch build',
    steps: [step('codebuild:StartBuildBatch')],
    how: 'the user can override the buildspec of a batch project with a privileged role',
  },
  {
    id: 'ec2-002',
    kind: 'target-dependent',
    title: 'swap EC2 user data',
    steps: [step('ec2:ModifyInstanceAttribute'), step('ec2:StopInstances'), step('ec2:StartInstances')],
    how: 'the user can run its code at boot on an instance with a privileged profile',
  },
  {
    id: 'ec2-004',
    kind: 'target-dependent',
    title: 'new launch template default',
    steps: [step('ec2:CreateLaunchTemplateVersion'), step('ec2:ModifyLaunchTemplate')],
    how: 'the user can change the template an Auto Scaling group launches with a privileged profile',
  },
  {
    id: 'ec2instanceconnect-003',
    kind: 'target-dependent',
    title: 'EC2 Instance Connect',
    steps: [step('ec2-instance-connect:SendSSHPublicKey')],
    how: 'the user can SSH into an instance with a privileged profile',
  },
  {
    id: 'ecs-006',
    kind: 'target-dependent',
    title: 'ECS Exec',
    steps: [step('ecs:ExecuteCommand')],
    how: 'the user can open a shell in a running task with a privileged task role',
  },
  {
    id: 'sagemaker-004',
    kind: 'target-dependent',
    title: 'presigned notebook URL',
    steps: [step('sagemaker:CreatePresignedNotebookInstanceUrl')],
    how: 'the user can open a notebook that runs with a privileged role',
  },
  {
    id: 'sagemaker-005',
    kind: 'target-dependent',
    title: 'notebook lifecycle config',
    steps: [
      step('sagemaker:CreateNotebookInstanceLifecycleConfig'),
      step('sagemaker:StopNotebookInstance'),
      step('sagemaker:UpdateNotebookInstance'),
      step('sagemaker:StartNotebookInstance'),
    ],
    how: 'the user can run its code at start of a notebook with a privileged role',
  },
  {
    id: 'ssm-001',
    kind: 'target-dependent',
    title: 'SSM session',
    steps: [step('ssm:StartSession')],
    how: 'the user can open a shell on an instance with a privileged profile',
  },
  {
    id: 'ssm-002',
    kind: 'target-dependent',
    title: 'SSM SendCommand',
    steps: [step('ssm:SendCommand')],
    how: 'the user can run commands on an instance with a privileged profile',
  },
  {
    id: 'apprunner-002',
    kind: 'target-dependent',
    title: 'update App Runner service',
    steps: [step('apprunner:UpdateService')],
    how: 'the user can change the code of a service with a privileged role',
  },
  {
    id: 'bedrock-002',
    kind: 'target-dependent',
    title: 'existing code interpreter',
    steps: [
      step('bedrock-agentcore:StartCodeInterpreterSession'),
      step('bedrock-agentcore:InvokeCodeInterpreter'),
    ],
    how: 'the user can run code in an interpreter with a privileged role',
  },
  // 1.4 candidates
  {
    id: 'lambda-role-swap',
    kind: 'candidate',
    title: 'swap a Lambda function role',
    steps: [PR, step('lambda:UpdateFunctionConfiguration')],
    passTo: 'lambda.amazonaws.com',
    how: 'the user can give an existing function a privileged role',
  },
  {
    id: 'codebuild-update',
    kind: 'candidate',
    title: 'update a CodeBuild project',
    steps: [PR, step('codebuild:UpdateProject'), step('codebuild:StartBuild')],
    passTo: 'codebuild.amazonaws.com',
    how: 'the user can give a project a privileged role and build',
  },
  {
    id: 'cloudformation-update-role',
    kind: 'candidate',
    title: 'update a stack with a new role',
    steps: [PR, step('cloudformation:UpdateStack')],
    passTo: 'cloudformation.amazonaws.com',
    how: 'the user can redeploy a stack with a privileged service role',
  },
  {
    id: 'autoscaling-001',
    kind: 'candidate',
    title: 'Auto Scaling launch configuration',
    steps: [PR, step('autoscaling:CreateLaunchConfiguration'), step('autoscaling:CreateAutoScalingGroup')],
    passTo: 'ec2.amazonaws.com',
    how: 'the user can launch instances with a privileged profile through Auto Scaling',
  },
  {
    id: 'ecs-runtask-existing',
    kind: 'candidate',
    title: 'RunTask with a role override',
    steps: [PR, step('ecs:RunTask')],
    passTo: 'ecs-tasks.amazonaws.com',
    how: 'the user can run an existing task definition with a privileged task role override',
  },
  {
    id: 'iam-new-role-attach',
    kind: 'candidate',
    title: 'new role with an attached policy',
    steps: [step('iam:CreateRole'), step('iam:AttachRolePolicy', 'role')],
    how: 'the user can create a role trusting itself, attach AdministratorAccess and assume it',
  },
  {
    id: 'iam-new-role-put',
    kind: 'candidate',
    title: 'new role with an inline policy',
    steps: [step('iam:CreateRole'), step('iam:PutRolePolicy', 'role')],
    how: 'the user can create a role trusting itself with an inline `*` policy and assume it',
  },
  {
    id: 'iam-boundary-user',
    kind: 'candidate',
    title: 'remove a user permissions boundary',
    steps: [step('iam:DeleteUserPermissionsBoundary')],
    how: 'the user can lift the permissions boundary that limits a user (possibly itself)',
  },
  {
    id: 'iam-boundary-user-put',
    kind: 'candidate',
    title: 'replace a user permissions boundary',
    steps: [step('iam:PutUserPermissionsBoundary')],
    how: "the user can replace a user's permissions boundary with a wider one",
  },
  {
    id: 'iam-boundary-role',
    kind: 'candidate',
    title: 'remove a role permissions boundary',
    steps: [step('iam:DeleteRolePermissionsBoundary')],
    how: 'the user can lift the permissions boundary that limits a role',
  },
  {
    id: 'iam-boundary-role-put',
    kind: 'candidate',
    title: 'replace a role permissions boundary',
    steps: [step('iam:PutRolePermissionsBoundary')],
    how: "the user can replace a role's permissions boundary with a wider one",
  },
  {
    id: 'iam-mfa-takeover',
    kind: 'candidate',
    title: 'MFA device takeover',
    steps: [step('iam:CreateVirtualMFADevice'), step('iam:EnableMFADevice', 'other')],
    how: 'the user can register its own MFA device on another user and pass MFA-gated policies as that user',
  },
  {
    id: 'kms-grant',
    kind: 'candidate',
    title: 'KMS grant',
    steps: [step('kms:CreateGrant')],
    how: 'the user can grant itself (or anyone) use of any KMS key, including decrypting protected data',
  },
];
