/** The apply side's public surface: run a plan, print its report, and the welcome-mail template. */
export { applyPlan, PlanRefusedError, validatePlanGraph, type ApplyOptions } from './executor.js';
export {
  formatApplyReport,
  formatOperations,
  type ApplyReport,
  type MailResult,
  type OperationResult,
} from './report.js';
export { comparePlans, formatPlanDifference, type PlanDifference } from './plan-compare.js';
export { defaultHandlers, iamHandlers } from '../targets/handlers.js';
export { renderWelcomeMail, type WelcomeMail, type WelcomeMailInput } from '../targets/iam/welcome-mail.js';
export type { ApplyContext, OperationHandler, OperationOutcome } from './types.js';
