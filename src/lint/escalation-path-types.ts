/**
 * Types and helpers of the escalation path tables.
 * kind: escalation (tables 1.1/1.2, error), target-dependent (1.3: needs a privileged existing
 * resource, warning), candidate (1.4, warning).
 * target: which resources of a step keep the path open (see escalation.ts).
 */
export type Target =
  | 'any'
  | 'self'
  | 'other'
  | 'customer-policy'
  | 'role'
  | 'group'
  /** A group to join: any group the user is not already in may be privileged. */
  | 'join-group'
  /** A role the user creates itself: any role ARN it may name is one it controls. */
  | 'new-role';

export interface PathStep {
  action: string;
  target?: Target;
}

export interface EscalationPath {
  id: string;
  kind: 'escalation' | 'target-dependent' | 'candidate';
  title: string;
  steps: PathStep[];
  /** For PassRole paths: the service principals the passed role may trust (any one opens the path). */
  passTo?: string | string[];
  /** How the attack works, completing "With these permissions, …". */
  how: string;
  /**
   * Where the path is published: `pathfinding.cloud <id>` when the id is pathfinding's, else the
   * catalogue or document it comes from. The coverage test reads this.
   */
  source: string;
  /** Runs commands on an existing instance or container: reported for AWS managed policies too. */
  commandExecution?: boolean;
}

export const PR: PathStep = { action: 'iam:PassRole', target: 'role' };

export function passRole(
  id: string,
  title: string,
  passTo: string | string[],
  actions: string[],
  how: string,
  source = `pathfinding.cloud ${id}`,
): EscalationPath {
  return {
    id,
    kind: 'escalation',
    title,
    passTo,
    steps: [PR, ...actions.map((action) => ({ action }))],
    how,
    source,
  };
}

export function step(action: string, target?: Target): PathStep {
  return target ? { action, target } : { action };
}
