export interface IcProxyRequest {
  /** Operation name from X-Amz-Target (`CreatePermissionSet`), or `METHOD path` for other calls. */
  action: string;
  /** The JSON body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes
  params: Record<string, any>;
  status: number;
}
export interface IcGapProxy {
  url: string;
  requests: IcProxyRequest[];
  state: {
    /** How many status calls answer IN_PROGRESS before the final status. */
    polls: number;
    tags: Map<string, Record<string, string>>;
    version: Map<string, number>;
    provisioned: Map<string, Map<string, number>>;
    failProvision: Set<string>;
    users: Map<string, Record<string, unknown>>;
    groups: Map<string, Record<string, unknown>>;
    /** When set: what ListInstances answers. */
    instances: Array<{ InstanceArn: string; IdentityStoreId: string }> | null;
    /** action → how many more times to answer ConflictException. */
    conflicts: Map<string, number>;
    /** AWS managed policy ARN as the emulator stores it → the real one (policies under a path). */
    managedArns: Map<string, string>;
  };
  find(action: string): IcProxyRequest[];
  clear(): void;
  reset(): void;
  stop(): Promise<void>;
}
export function startIcGapProxy(target: string, opts?: { polls?: number }): Promise<IcGapProxy>;
