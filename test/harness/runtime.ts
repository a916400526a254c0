/**
 * The Node that runs the bundles in the end-to-end tests, resolved once per worker by the same rule
 * as global-setup-e2e.mjs (scripts/setup-node24.mjs e2eNode): IAM_GITOPS_NODE, else the pinned
 * Node 24 in .node24/, else (outside CI only) the Node running jest.
 */
import { e2eNode } from '../../scripts/setup-node24.mjs';

export interface DistNode {
  bin: string;
  /** `process.version` of that binary, e.g. v24.22.3. */
  version: string;
  source: string;
}

let resolved: DistNode | undefined;

export function distNode(): DistNode {
  resolved ??= e2eNode();
  return resolved;
}
