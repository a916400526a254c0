/** IAM policy documents as written by users, plus where each part sits in its file. */

export type StringOrList = string | string[];

/** One condition block: operator → key → value(s). */
export type ConditionBlock = Record<string, Record<string, StringOrList | boolean | number>>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

/** 1-based line and column of a place in a source file. */
export interface Position {
  line: number;
  col: number;
}

/**
 * A policy document together with the source positions the lint needs to point at:
 * each statement's start and each Action/NotAction/Resource/NotResource string.
 */
export interface LocatedPolicy {
  /** Policy name (file name without .json for custom policies, AWS name for managed ones). */
  name: string;
  /** Repository-relative file path (`policies/dev-s3.json`), or null for AWS managed policies. */
  file: string | null;
  /** ARN for AWS managed policies; null for custom policies (the ARN depends on the account). */
  arn: string | null;
  document: PolicyDocument;
  /** Per statement index: where the statement object starts. Empty for AWS managed policies. */
  statementPositions: Position[];
  /**
   * Per statement index, per element (`Action`, `NotAction`, `Resource`, `NotResource`), the
   * position of each string value in the order they appear (a scalar string is index 0).
   */
  valuePositions: Array<Partial<Record<'Action' | 'NotAction' | 'Resource' | 'NotResource', Position[]>>>;
}
