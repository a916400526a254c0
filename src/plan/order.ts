/**
 * The order a plan runs in: creations from the inside out (policies and groups before the users
 * that use them), removals from the outside in (detach before deleting a policy, empty a group
 * before deleting it), welcome mail last. Within a phase operations sort by id, so the order
 * never depends on the order of rows in the user's files.
 */
import type { Operation } from '../model/plan.js';

const PHASES: Record<string, number> = {
  'create:policy': 10,
  'update:policy': 10,
  'create:group': 20,
  'create:user': 30,
  'update:user': 30,
  'create:login-profile': 40,
  'create:membership': 50,
  'create:attachment': 60,
  'delete:attachment': 70,
  'delete:membership': 71,
  'delete:login-profile': 72,
  'delete:user': 80,
  'delete:group': 90,
  'delete:policy': 95,
  'create:email': 100,
};

export function phaseOf(op: Operation): number {
  return PHASES[`${op.action}:${op.type}`] ?? 200;
}

/** IAM operations by phase then id; other operations (monitoring) follow in the order given. */
export function orderOperations(iam: Operation[], others: Operation[] = []): Operation[] {
  const sorted = [...iam].sort((a, b) => phaseOf(a) - phaseOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  assertDependenciesFirst(sorted);
  return [...sorted, ...topological(others)];
}

/** Keeps the given order except where an operation must wait for a dependency listed later. */
export function topological(ops: Operation[]): Operation[] {
  const ids = new Set(ops.map((o) => o.id));
  const done = new Set<string>();
  const out: Operation[] = [];
  const pending = [...ops];
  while (pending.length > 0) {
    const i = pending.findIndex((op) => op.dependsOn.every((d) => done.has(d) || !ids.has(d)));
    if (i < 0) throw new Error(`dependency cycle among ${pending.map((o) => o.id).join(', ')}`);
    const [op] = pending.splice(i, 1);
    out.push(op!);
    done.add(op!.id);
  }
  return out;
}

/** Every dependency runs before its dependant; a violation is a planner bug, never a user error. */
export function assertDependenciesFirst(ops: Operation[]): void {
  const seen = new Set<string>();
  const all = new Set(ops.map((o) => o.id));
  for (const op of ops) {
    for (const dep of op.dependsOn) {
      if (all.has(dep) && !seen.has(dep)) throw new Error(`planner bug: ${op.id} is ordered before ${dep}`);
    }
    seen.add(op.id);
  }
}
