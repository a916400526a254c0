// A node:http proxy in front of the emulator (moto) for IAM Identity Center. It forwards every
// request, records it with its JSON body, and answers what moto lacks or gets too easy:
//   - permission set tags: TagResource, UntagResource, ListTagsForResource (moto keeps the Tags of
//     CreatePermissionSet but cannot list them; the proxy remembers them from the request);
//   - provisioning: ProvisionPermissionSet (moto ignores the target and answers SUCCEEDED at once),
//     DescribePermissionSetProvisioningStatus, ListAccountsForProvisionedPermissionSet and
//     ListPermissionSetsProvisionedToAccount, with AWS's ProvisioningStatus filter: the proxy counts a
//     version per permission set (every content change bumps it) and the version each account holds;
//     CreateAccountAssignment provisions the set to its account as AWS does;
//   - asynchronous status: CreateAccountAssignment / DeleteAccountAssignment answer IN_PROGRESS and
//     their Describe… calls report IN_PROGRESS `polls` times before SUCCEEDED (or FAILED on demand);
//   - identity store updates: UpdateUser and UpdateGroup (moto has neither) are kept as overlays the
//     proxy applies to ListUsers / DescribeUser / ListGroups / DescribeGroup answers;
//   - pagination of its own lists (MaxResults, NextToken);
//   - AWS managed policies under a path (job-function/ViewOnlyAccess): moto looks a policy up by the
//     last part of its ARN and always expects `policy/<name>` (it reads no path), so it refuses the
//     real ARN `policy/job-function/ViewOnlyAccess` and accepts `policy/ViewOnlyAccess`, which AWS
//     refuses. The proxy answers as AWS does: it refuses an ARN that is not the policy's real one
//     (ResourceNotFoundException), hands moto the form it knows, and gives the real ARN back in
//     ListManagedPoliciesInPermissionSet. The real ARNs come from dist/data/managed-policies.json.gz.
// Shared by the tests (test/aws/identity-center.test.ts) and `npm run demo:identity-center`.
import { createServer, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const AWS_POLICY_ARN = /^arn:([a-z-]+):iam::aws:policy\/((?:[^/]+\/)*)([^/]+)$/;
let realArns;

/** AWS managed policy name → its ARN (partition aws), or an empty map when the data is not built. */
function managedPolicyArns() {
  if (realArns) return realArns;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.resolve(here, '../dist/data/managed-policies.json.gz');
  realArns = new Map();
  if (existsSync(file)) {
    const data = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
    for (const [name, p] of Object.entries(data.policies ?? {})) realArns.set(name, p.arn);
  }
  return realArns;
}

/**
 * An AWS managed policy ARN as AWS knows it and as moto stores it, or null when the ARN names no
 * such policy (AWS: ResourceNotFoundException). Unknown names pass as they are (moto decides).
 */
function managedPolicyForms(arn) {
  const m = AWS_POLICY_ARN.exec(arn ?? '');
  if (!m) return { real: arn, moto: arn };
  const [, partition, , name] = m;
  const known = managedPolicyArns().get(name);
  const real = known ? known.replace(/^arn:aws:/, `arn:${partition}:`) : arn;
  if (real !== arn) return null;
  return { real, moto: `arn:${partition}:iam::aws:policy/${name}` };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(target, req, body) {
  return new Promise((resolve, reject) => {
    const up = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The body may have been rewritten (outgoing): its length, not the client's.
        headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    up.on('error', reject);
    up.end(body);
  });
}

const CONTENT_CHANGES = new Set([
  'PutInlinePolicyToPermissionSet',
  'DeleteInlinePolicyFromPermissionSet',
  'AttachManagedPolicyToPermissionSet',
  'DetachManagedPolicyFromPermissionSet',
  'AttachCustomerManagedPolicyReferenceToPermissionSet',
  'DetachCustomerManagedPolicyReferenceFromPermissionSet',
  'UpdatePermissionSet',
  'PutPermissionsBoundaryToPermissionSet',
  'DeletePermissionsBoundaryFromPermissionSet',
]);

/**
 * @param {string} target the emulator's URL
 * @param {{ polls?: number }} [opts] how many status calls answer IN_PROGRESS before SUCCEEDED (default 1)
 */
export async function startIcGapProxy(target, opts = {}) {
  const upstream = new URL(target);
  const requests = [];
  const state = {
    polls: opts.polls ?? 1,
    /** permission set ARN → tags */
    tags: new Map(),
    /** permission set ARN → content version */
    version: new Map(),
    /** permission set ARN → Map(account id → version provisioned there) */
    provisioned: new Map(),
    /** request id → { kind, status, left, body } */
    statuses: new Map(),
    /** permission set ARNs whose provisioning fails */
    failProvision: new Set(),
    /** user id → attribute overlay; group id → overlay */
    users: new Map(),
    groups: new Map(),
    /** When set: what ListInstances answers (tests of instance discovery). */
    instances: null,
    /** action → how many more times to answer ConflictException (AWS: a write still propagating). */
    conflicts: new Map(),
    /** AWS managed policy ARN as moto stores it → the real one (policies under a path). */
    managedArns: new Map(),
  };

  const notFound = (reply, message) =>
    reply(400, { __type: 'ResourceNotFoundException', message, Message: message });
  const page = (items, params) => {
    const start = Number(params.NextToken ?? 0) || 0;
    const size = Number(params.MaxResults ?? 100) || 100;
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? String(start + size) : undefined;
    return { slice, next };
  };
  const versionOf = (arn) => state.version.get(arn) ?? 1;
  const accountsOf = (arn) => {
    let m = state.provisioned.get(arn);
    if (!m) state.provisioned.set(arn, (m = new Map()));
    return m;
  };
  const track = (kind, body, failed) => {
    const id = randomUUID();
    const status = { kind, left: state.polls, failed, body: { ...body, RequestId: id } };
    state.statuses.set(id, status);
    return { ...status.body, Status: state.polls > 0 ? 'IN_PROGRESS' : failed ? 'FAILED' : 'SUCCEEDED' };
  };
  const poll = (id) => {
    const s = state.statuses.get(id);
    if (!s) return null;
    if (s.left > 0) {
      s.left--;
      return { ...s.body, Status: 'IN_PROGRESS' };
    }
    return s.failed
      ? { ...s.body, Status: 'FAILED', FailureReason: s.failed }
      : { ...s.body, Status: 'SUCCEEDED' };
  };

  /** Answers locally; returns true when it did. */
  const local = (action, p, reply) => {
    const conflicts = state.conflicts.get(action) ?? 0;
    if (conflicts > 0) {
      state.conflicts.set(action, conflicts - 1);
      const message = 'Another operation is in progress (proxy: injected conflict)';
      return (reply(400, { __type: 'ConflictException', message, Message: message }), true);
    }
    switch (action) {
      case 'AttachManagedPolicyToPermissionSet':
      case 'DetachManagedPolicyFromPermissionSet': {
        if (managedPolicyForms(p.ManagedPolicyArn)) return false;
        const message = `Policy does not exist with ARN: ${p.ManagedPolicyArn}`;
        return (reply(400, { __type: 'ResourceNotFoundException', message, Message: message }), true);
      }
      case 'ListInstances':
        if (!state.instances) return false;
        return (reply(200, { Instances: state.instances }), true);
      case 'ListTagsForResource':
        return (
          reply(200, {
            Tags: Object.entries(state.tags.get(p.ResourceArn) ?? {}).map(([Key, Value]) => ({ Key, Value })),
          }),
          true
        );
      case 'TagResource': {
        const t = { ...(state.tags.get(p.ResourceArn) ?? {}) };
        for (const tag of p.Tags ?? []) t[tag.Key] = tag.Value ?? '';
        state.tags.set(p.ResourceArn, t);
        return (reply(200, {}), true);
      }
      case 'UntagResource': {
        const t = { ...(state.tags.get(p.ResourceArn) ?? {}) };
        for (const k of p.TagKeys ?? []) delete t[k];
        state.tags.set(p.ResourceArn, t);
        return (reply(200, {}), true);
      }
      case 'ProvisionPermissionSet': {
        const arn = p.PermissionSetArn;
        const accounts = accountsOf(arn);
        const targets = p.TargetType === 'ALL_PROVISIONED_ACCOUNTS' ? [...accounts.keys()] : [p.TargetId];
        const failed = state.failProvision.has(arn)
          ? 'the permission set could not be provisioned (proxy: failProvision)'
          : undefined;
        if (!failed) for (const a of targets) if (a) accounts.set(a, versionOf(arn));
        const status = track(
          'provision',
          {
            PermissionSetArn: arn,
            ...(p.TargetType === 'AWS_ACCOUNT' ? { AccountId: p.TargetId } : {}),
            CreatedDate: Date.now() / 1000,
          },
          failed,
        );
        return (reply(200, { PermissionSetProvisioningStatus: status }), true);
      }
      case 'DescribePermissionSetProvisioningStatus': {
        const s = poll(p.ProvisionPermissionSetRequestId);
        if (!s)
          return (notFound(reply, `no provisioning request ${p.ProvisionPermissionSetRequestId}`), true);
        return (reply(200, { PermissionSetProvisioningStatus: s }), true);
      }
      case 'DescribeAccountAssignmentCreationStatus':
      case 'DescribeAccountAssignmentDeletionStatus': {
        const id = p.AccountAssignmentCreationRequestId ?? p.AccountAssignmentDeletionRequestId;
        const s = poll(id);
        if (!s) return (notFound(reply, `no account assignment request ${id}`), true);
        const key =
          action === 'DescribeAccountAssignmentCreationStatus'
            ? 'AccountAssignmentCreationStatus'
            : 'AccountAssignmentDeletionStatus';
        return (reply(200, { [key]: s }), true);
      }
      case 'ListAccountsForProvisionedPermissionSet': {
        const latest = versionOf(p.PermissionSetArn);
        const all = [...accountsOf(p.PermissionSetArn)]
          .filter(([, v]) =>
            p.ProvisioningStatus === 'LATEST_PERMISSION_SET_PROVISIONED'
              ? v === latest
              : p.ProvisioningStatus === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
                ? v !== latest
                : true,
          )
          .map(([a]) => a)
          .sort();
        const { slice, next } = page(all, p);
        return (reply(200, { AccountIds: slice, ...(next ? { NextToken: next } : {}) }), true);
      }
      case 'ListPermissionSetsProvisionedToAccount': {
        const all = [...state.provisioned]
          .filter(([arn, m]) => {
            const v = m.get(p.AccountId);
            if (v === undefined) return false;
            if (p.ProvisioningStatus === 'LATEST_PERMISSION_SET_PROVISIONED') return v === versionOf(arn);
            if (p.ProvisioningStatus === 'LATEST_PERMISSION_SET_NOT_PROVISIONED') return v !== versionOf(arn);
            return true;
          })
          .map(([arn]) => arn)
          .sort();
        const { slice, next } = page(all, p);
        return (reply(200, { PermissionSets: slice, ...(next ? { NextToken: next } : {}) }), true);
      }
      case 'UpdateUser':
      case 'UpdateGroup': {
        const id = p.UserId ?? p.GroupId;
        const map = action === 'UpdateUser' ? state.users : state.groups;
        const o = { ...(map.get(id) ?? {}) };
        for (const op of p.Operations ?? []) o[op.AttributePath] = op.AttributeValue ?? null;
        map.set(id, o);
        return (reply(200, {}), true);
      }
      default:
        return false;
    }
  };

  const overlay = (entity, o) => {
    if (!o) return entity;
    const out = { ...entity };
    for (const [path, value] of Object.entries(o)) {
      const [head, sub] = path.split('.');
      if (sub && head.toLowerCase() === 'name')
        out.Name = { ...(out.Name ?? {}), [sub.charAt(0).toUpperCase() + sub.slice(1)]: value };
      else if (head.toLowerCase() === 'emails') out.Emails = value;
      else out[head.charAt(0).toUpperCase() + head.slice(1)] = value;
    }
    return out;
  };

  const rewrite = (action, p, answer) => {
    switch (action) {
      case 'CreatePermissionSet': {
        const arn = answer.PermissionSet?.PermissionSetArn;
        if (arn) {
          state.tags.set(arn, Object.fromEntries((p.Tags ?? []).map((t) => [t.Key, t.Value ?? ''])));
          state.version.set(arn, 1);
        }
        return answer;
      }
      case 'DeletePermissionSet':
        state.tags.delete(p.PermissionSetArn);
        state.provisioned.delete(p.PermissionSetArn);
        return answer;
      case 'CreateAccountAssignment': {
        const accounts = accountsOf(p.PermissionSetArn);
        if (!accounts.has(p.TargetId)) accounts.set(p.TargetId, versionOf(p.PermissionSetArn));
        const {
          Status: _s,
          RequestId: _r,
          CreatedDate: _c,
          ...body
        } = answer.AccountAssignmentCreationStatus ?? {};
        return { AccountAssignmentCreationStatus: track('create-assignment', body) };
      }
      case 'DeleteAccountAssignment': {
        const {
          Status: _s,
          RequestId: _r,
          CreatedDate: _c,
          ...body
        } = answer.AccountAssignmentDeletionStatus ?? {};
        return { AccountAssignmentDeletionStatus: track('delete-assignment', body) };
      }
      case 'ListManagedPoliciesInPermissionSet':
        return {
          ...answer,
          AttachedManagedPolicies: (answer.AttachedManagedPolicies ?? []).map((a) => ({
            ...a,
            Arn: state.managedArns.get(a.Arn) ?? a.Arn,
          })),
        };
      case 'ListUsers':
        return { ...answer, Users: (answer.Users ?? []).map((u) => overlay(u, state.users.get(u.UserId))) };
      case 'DescribeUser':
        return overlay(answer, state.users.get(answer.UserId));
      case 'ListGroups':
        return {
          ...answer,
          Groups: (answer.Groups ?? []).map((g) => overlay(g, state.groups.get(g.GroupId))),
        };
      case 'DescribeGroup':
        return overlay(answer, state.groups.get(answer.GroupId));
      default:
        if (CONTENT_CHANGES.has(action) && p.PermissionSetArn)
          state.version.set(p.PermissionSetArn, versionOf(p.PermissionSetArn) + 1);
        return answer;
    }
  };

  /** The request body moto gets: an AWS managed policy under a path in the form moto knows. */
  const outgoing = (action, p, body) => {
    if (action !== 'AttachManagedPolicyToPermissionSet' && action !== 'DetachManagedPolicyFromPermissionSet')
      return body;
    const forms = managedPolicyForms(p.ManagedPolicyArn);
    if (!forms || forms.moto === forms.real) return body;
    state.managedArns.set(forms.moto, forms.real);
    return Buffer.from(JSON.stringify({ ...p, ManagedPolicyArn: forms.moto }));
  };

  const handle = async (req, res) => {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.split('.').pop() : `${req.method} ${req.url}`;
    let params = {};
    try {
      params = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      params = {};
    }
    const record = { action, params, status: 0 };
    requests.push(record);
    const isIc = typeof target === 'string' && /^(SWBExternalService|AWSIdentityStore)\./.test(target);
    const reply = (status, value) => {
      record.status = status;
      const out = Buffer.from(JSON.stringify(value));
      res
        .writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'content-length': String(out.length),
        })
        .end(out);
    };
    if (isIc && local(action, params, reply)) return;
    const up = await forward(upstream, req, isIc ? outgoing(action, params, body) : body);
    record.status = up.status;
    let out = up.body;
    if (isIc && up.status === 200) {
      let answer = {};
      try {
        answer = out.length ? JSON.parse(out.toString('utf8')) : {};
      } catch {
        answer = {};
      }
      out = Buffer.from(JSON.stringify(rewrite(action, params, answer)));
    }
    const headers = { ...up.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    res.writeHead(up.status, { ...headers, 'content-length': String(out.length) }).end(out);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    requests,
    state,
    find: (action) => requests.filter((r) => r.action === action),
    clear: () => void requests.splice(0),
    /** Forget everything (with the emulator's reset between tests). */
    reset() {
      requests.splice(0);
      for (const k of [
        'tags',
        'version',
        'provisioned',
        'statuses',
        'users',
        'groups',
        'conflicts',
        'managedArns',
      ])
        state[k].clear();
      state.failProvision.clear();
      state.instances = null;
      state.polls = opts.polls ?? 1;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
