/**
 * Which handler carries out which operation: IAM here, the monitoring baseline from monitoring/,
 * IAM Identity Center from identity-center/.
 */
import type { ChangeAction, ChangeType, Operation } from '../model/plan.js';
import { monitoringHandlers } from './monitoring/index.js';
import { sendWelcome } from './iam/handlers/email.js';
import {
  addMembership,
  attachPolicy,
  createLoginProfile,
  deleteLoginProfile,
  detachPolicy,
  removeMembership,
} from './iam/handlers/access.js';
import { createGroup, deleteGroup } from './iam/handlers/groups.js';
import { offboardUser } from './iam/handlers/offboard.js';
import { createPolicy, deletePolicy, updatePolicy } from './iam/handlers/policies.js';
import { createUser, updateUser } from './iam/handlers/users.js';
import type { OperationHandler } from '../apply/types.js';
import { identityCenterHandlers } from './identity-center/handlers.js';

type ByAction = Partial<Record<ChangeAction, OperationHandler>>;

const IAM: Partial<Record<ChangeType, ByAction>> = {
  user: { create: createUser, update: updateUser, delete: offboardUser },
  'login-profile': { create: createLoginProfile, delete: deleteLoginProfile },
  membership: { create: addMembership, delete: removeMembership },
  attachment: { create: attachPolicy, delete: detachPolicy },
  group: { create: createGroup, delete: deleteGroup },
  policy: { create: createPolicy, update: updatePolicy, delete: deletePolicy },
  email: { create: sendWelcome },
};

/** IAM handlers dispatch on the action; monitoring handlers take every action of their type. */
export const iamHandlers: Partial<Record<ChangeType, OperationHandler>> = Object.fromEntries(
  Object.entries(IAM).map(([type, byAction]) => [
    type,
    (op: Operation, ctx) => {
      const handler = byAction[op.action];
      if (!handler) throw new Error(`no handler for ${op.action} ${op.type} (${op.id})`);
      return handler(op, ctx);
    },
  ]),
) as Partial<Record<ChangeType, OperationHandler>>;

export function defaultHandlers(): Partial<Record<ChangeType, OperationHandler>> {
  return { ...monitoringHandlers, ...iamHandlers, ...identityCenterHandlers };
}
