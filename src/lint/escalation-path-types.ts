/**
 * Types and helpers of the escalation path tables.
 * kind: escalation (tables 1.1/1.2, error), target-dependent (1.3: needs a privileged existing
 * resource, warning), candidate (1.4, warning).
 * target: which resources of a step keep the path open (see escalation.ts).
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

export const PR: PathStep = { action: 'iam:PassRole', target: 'role' };

export function passRole(
  id: string,
  title: string,
  passTo: string,
  actions: string[],
  how: string,
): EscalationPath {
  return {
    id,
    kind: 'escalation',
    title,
    passTo,
    steps: [PR, ...actions.map((action) => ({ action }))],
    how,
  };
}

export function step(action: string, target?: Target): PathStep {
  return target ? { action, target } : { action };
}
