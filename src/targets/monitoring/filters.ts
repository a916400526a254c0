/**
 * The metric filters the baseline ships. Pattern strings are specification strings (CIS AWS
 * Foundations 4.1–4.15 in the exact Security Hub form, and the project's two custom alarms):
 * Security Hub compares them byte for byte, so never reformat them.
 */
import type { AlarmSet } from '../../model/desired.js';

/** The only CIS rendering shipped: the strings Security Hub CloudWatch.1–14 accept unchanged. */
export const CIS_MODE = 'cis-exact';

export interface FilterItem {
  /** `4.1` … `4.15` for CIS items, the alarm-set name for the custom ones. */
  item: string;
  set: 'cis' | 'custom';
  /** Filter, metric and alarm name. */
  name: string;
  title: string;
  /** The Security Hub control that checks it, when there is one. */
  control: string | null;
  pattern: string;
}

/** Every name starts with this, so one prefix reads them all back. */
export const NAME_PREFIX = 'iam-gitops-';

export const CUSTOM_FILTERS: FilterItem[] = [
  {
    item: 'console-login-failures',
    set: 'custom',
    name: 'iam-gitops-console-login-failures',
    title: 'Failed console sign-in',
    control: null,
    pattern: '{ ($.eventName = ConsoleLogin) && ($.responseElements.ConsoleLogin = "Failure") }',
  },
  {
    item: 's3-bucket-changes',
    set: 'custom',
    name: 'iam-gitops-s3-bucket-changes',
    title: 'S3 bucket create/delete',
    control: null,
    pattern: '{ ($.eventName = CreateBucket) || ($.eventName = DeleteBucket) }',
  },
];

export const CIS_FILTERS: FilterItem[] = [
  {
    item: '4.1',
    set: 'cis',
    name: 'iam-gitops-cis-4.1-unauthorized-api-calls',
    title: 'Unauthorized API calls',
    control: 'CloudWatch.2',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  },
  {
    item: '4.2',
    set: 'cis',
    name: 'iam-gitops-cis-4.2-console-signin-without-mfa',
    title: 'Console sign-in without MFA',
    control: 'CloudWatch.3',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    item: '4.3',
    set: 'cis',
    name: 'iam-gitops-cis-4.3-root-usage',
    title: 'Root user usage',
    control: 'CloudWatch.1',
    pattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  },
  {
    item: '4.4',
    set: 'cis',
    name: 'iam-gitops-cis-4.4-iam-policy-changes',
    title: 'IAM policy changes',
    control: 'CloudWatch.4',
    pattern:
      '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  },
  {
    item: '4.5',
    set: 'cis',
    name: 'iam-gitops-cis-4.5-cloudtrail-changes',
    title: 'CloudTrail configuration changes',
    control: 'CloudWatch.5',
    pattern:
      '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  },
  {
    item: '4.6',
    set: 'cis',
    name: 'iam-gitops-cis-4.6-console-auth-failures',
    title: 'Console authentication failures',
    control: 'CloudWatch.6',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  },
  {
    item: '4.7',
    set: 'cis',
    name: 'iam-gitops-cis-4.7-cmk-disable-or-deletion',
    title: 'Disable or schedule deletion of customer managed keys',
    control: 'CloudWatch.7',
    pattern:
      '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  },
  {
    item: '4.8',
    set: 'cis',
    name: 'iam-gitops-cis-4.8-s3-bucket-policy-changes',
    title: 'S3 bucket policy changes',
    control: 'CloudWatch.8',
    pattern:
      '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  },
  {
    item: '4.9',
    set: 'cis',
    name: 'iam-gitops-cis-4.9-aws-config-changes',
    title: 'AWS Config changes',
    control: 'CloudWatch.9',
    pattern:
      '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
  },
  {
    item: '4.10',
    set: 'cis',
    name: 'iam-gitops-cis-4.10-security-group-changes',
    title: 'Security group changes',
    control: 'CloudWatch.10',
    pattern:
      '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  },
  {
    item: '4.11',
    set: 'cis',
    name: 'iam-gitops-cis-4.11-nacl-changes',
    title: 'Network ACL changes',
    control: 'CloudWatch.11',
    pattern:
      '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  },
  {
    item: '4.12',
    set: 'cis',
    name: 'iam-gitops-cis-4.12-network-gateway-changes',
    title: 'Network gateway changes',
    control: 'CloudWatch.12',
    pattern:
      '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  },
  {
    item: '4.13',
    set: 'cis',
    name: 'iam-gitops-cis-4.13-route-table-changes',
    title: 'Route table changes',
    control: 'CloudWatch.13',
    pattern:
      '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  },
  {
    item: '4.14',
    set: 'cis',
    name: 'iam-gitops-cis-4.14-vpc-changes',
    title: 'VPC changes',
    control: 'CloudWatch.14',
    pattern:
      '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
  },
  {
    item: '4.15',
    set: 'cis',
    name: 'iam-gitops-cis-4.15-organizations-changes',
    title: 'AWS Organizations changes',
    control: null,
    pattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  },
];

/** The filters selected by `monitoring.alarms`, custom ones first, each once. */
export function selectFilters(sets: readonly AlarmSet[]): FilterItem[] {
  const out: FilterItem[] = [];
  for (const f of CUSTOM_FILTERS) if (sets.includes(f.item as AlarmSet)) out.push(f);
  if (sets.includes('cis')) out.push(...CIS_FILTERS);
  return out;
}

export const ALL_FILTERS: FilterItem[] = [...CUSTOM_FILTERS, ...CIS_FILTERS];
