/**
 * A local GitHub REST API for end-to-end tests: node:http on 127.0.0.1, port 0, in-memory state
 * (repository, pull requests, commit → pull requests, issue comments, reviews, each pull request's
 * commits, collaborator permissions, file contents at a commit, issues and labels), pagination with
 * `per_page`/`page`/`Link`, token → identity, read-only tokens refused on writes (403), every
 * request recorded, and the Actions OIDC token endpoint.
 *
 * Permissions follow GitHub: `permission` is admin | write | read | none (maintain reads as write,
 * triage as read) and `role_name` carries the exact role. `alice` and `bob` have write by default;
 * everyone else has none until `setPermission`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEFAULT_TOKEN = 'ghs_default_workflow_token';
export const READ_ONLY_TOKEN = 'ghs_read_only_token';
export const OIDC_REQUEST_TOKEN = 'oidc-request-token';
export const BOT = 'github-actions[bot]';

export interface Identity {
  login: string;
  /** Writes answer 403 "Resource not accessible by integration". */
  readOnly?: boolean;
  /** GET /user answers for personal tokens; the workflow token gets 403 like on GitHub. */
  canReadUser?: boolean;
}

export interface User {
  login: string;
  id: number;
  type: string;
}

export interface PullState {
  number: number;
  state: 'open' | 'closed';
  title: string;
  user: User;
  head: { sha: string; ref: string; repo: { full_name: string } };
  base: { sha: string; ref: string; repo: { full_name: string } };
  merged_at: string | null;
  merge_commit_sha: string | null;
  html_url: string;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: User;
  created_at: string;
  updated_at: string;
}

export interface ReviewState {
  id: number;
  pull: number;
  user: User;
  state: string;
  commit_id: string;
  submitted_at: string;
  body: string;
}

export interface IssueState {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  user: User;
  created_at: string;
  updated_at: string;
}

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A commit of a pull request as GET /pulls/{n}/commits lists it (logins null when unlinked). */
export interface PullCommit {
  sha: string;
  author: string | null;
  committer: string | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | null;
  login: string | null;
  status: number;
  body: unknown;
}

export interface GitHubServer {
  url: string;
  owner: string;
  repo: string;
  fullName: string;
  defaultBranch: string;
  oidcUrl: string;
  tokens: Map<string, Identity>;
  requests: RecordedRequest[];
  /** Audiences asked of the OIDC endpoint, in order. */
  oidcAudiences: string[];
  addPull(p: {
    number: number;
    author: string;
    headSha: string;
    baseSha: string;
    headRef?: string;
    forkOf?: string;
    /** The pull request's commits; default one commit, the head, authored and committed by the author. */
    commits?: PullCommit[];
  }): PullState;
  /** Replaces a pull request's commit list (GET /pulls/{n}/commits). */
  setCommits(number: number, commits: PullCommit[]): void;
  /** A user's role on the repository (GET /collaborators/{login}/permission). */
  setPermission(login: string, role: Role): void;
  /** A file's content at a commit (GET /contents/{path}?ref=); null removes it. */
  setFile(ref: string, path: string, content: string | null): void;
  /** Marks a pull request merged as `sha` and associates the commit with it. */
  merge(number: number, sha: string): void;
  /** Associates a commit with pull requests (GET /commits/{sha}/pulls). */
  associate(sha: string, numbers: number[]): void;
  /**
   * Where a branch points (GET /branches/{name}); by default the default branch points at the
   * commit last merged or associated, as after a push.
   */
  setBranchHead(branch: string, sha: string): void;
  /** The files a comparison lists (GET /compare/{base}...{head}); by default none. */
  setCompare(base: string, head: string, files: string[]): void;
  addComment(issue: number, login: string, body: string, at?: string): CommentState;
  addReview(
    pull: number,
    r: { login: string; state: string; commitId: string; submittedAt?: string; body?: string },
  ): ReviewState;
  comments(issue: number): CommentState[];
  /** An issue as someone opened it (labels are created like GitHub does). */
  addIssue(i: {
    login: string;
    title: string;
    body: string;
    labels?: string[];
    state?: 'open' | 'closed';
  }): IssueState;
  /** Issues (not pull requests), optionally only those with `label`, in number order. */
  issues(label?: string): IssueState[];
  /** The repository's labels by name. */
  labels(): string[];
  pull(number: number): PullState;
  /** Requests that changed state (POST, PATCH, PUT, DELETE on the REST API). */
  writes(): RecordedRequest[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startGitHubServer(opts: { owner?: string; repo?: string } = {}): Promise<GitHubServer> {
  const owner = opts.owner ?? 'acme';
  const repo = opts.repo ?? 'iam';
  const fullName = `${owner}/${repo}`;
  let nextId = 1000;
  const branchHeads = new Map<string, string>();
  let lastPushed: string | undefined;
  const comparisons = new Map<string, string[]>();
  const users = new Map<string, User>();
  const user = (login: string): User => {
    let u = users.get(login);
    if (!u) {
      u = { login, id: nextId++, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
      users.set(login, u);
    }
    return u;
  };
  let pulls = new Map<number, PullState>();
  let commitPulls = new Map<string, number[]>();
  let comments: CommentState[] = [];
  let reviews: ReviewState[] = [];
  let pullCommits = new Map<number, PullCommit[]>();
  let roles = new Map<string, Role>();
  let files = new Map<string, string>();
  let issues: IssueState[] = [];
  let labels = new Set<string>();
  // Issues and pull requests share one number sequence on GitHub.
  const nextIssueNumber = (): number => Math.max(0, ...[...pulls.keys()], ...issues.map((i) => i.number)) + 1;
  const defaultRoles = (): Map<string, Role> =>
    new Map<string, Role>([
      ['alice', 'write'],
      ['bob', 'write'],
    ]);
  roles = defaultRoles();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      handle(req, res, body);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const auth = req.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1] ?? null;
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      token,
      login: null,
      status: 0,
      body,
    };
    gh.requests.push(record);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    const fail = (status: number, message: string): void =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) });

    if (url.pathname === '/_oidc/token') {
      if (token !== OIDC_REQUEST_TOKEN) return fail(401, 'Bad OIDC request token');
      if (!query['api-version']) return fail(400, 'api-version is required');
      const audience = query.audience ?? '';
      gh.oidcAudiences.push(audience);
      const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
      const jwt = [
        seg({ alg: 'RS256', typ: 'JWT' }),
        seg({
          aud: audience,
          sub: `repo:${fullName}:pull_request`,
          iss: 'https://token.actions.githubusercontent.com',
        }),
        'c2lnbmF0dXJl',
      ].join('.');
      return send(200, { count: 1, value: jwt });
    }

    const who = token ? gh.tokens.get(token) : undefined;
    if (!who) return fail(401, 'Bad credentials');
    record.login = who.login;
    const isWrite = !['GET', 'HEAD'].includes(method);
    if (isWrite && who.readOnly) return fail(403, 'Resource not accessible by integration');

    const page = (items: unknown[]): void => {
      const perPage = Math.min(Math.max(Number(query.per_page) || 30, 1), 100);
      const pageNo = Math.max(Number(query.page) || 1, 1);
      const last = Math.max(Math.ceil(items.length / perPage), 1);
      const link = (p: number, rel: string): string => {
        const u = new URL(`${gh.url}${url.pathname}`);
        for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
        u.searchParams.set('per_page', String(perPage));
        u.searchParams.set('page', String(p));
        return `<${u.toString()}>; rel="${rel}"`;
      };
      const links: string[] = [];
      if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
      if (pageNo > 1) links.push(link(1, 'first'), link(pageNo - 1, 'prev'));
      send(
        200,
        items.slice((pageNo - 1) * perPage, pageNo * perPage),
        links.length ? { link: links.join(', ') } : {},
      );
    };

    const p = url.pathname;
    const base = `/repos/${owner}/${repo}`;
    let m: RegExpExecArray | null;
    if (method === 'GET' && p === '/user') {
      if (!who.canReadUser) return fail(403, 'Resource not accessible by integration');
      return send(200, user(who.login));
    }
    if (method === 'GET' && p === base) {
      return send(200, {
        full_name: fullName,
        name: repo,
        owner: user(owner),
        default_branch: gh.defaultBranch,
      });
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(p))) {
      const issue = Number(m[1]);
      if (!pulls.has(issue) && !issues.some((i) => i.number === issue)) return fail(404, 'Not Found');
      if (method === 'GET') return page(gh.comments(issue).map(commentJson));
      if (method === 'POST') {
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || !text) return fail(422, 'body is required');
        if (text.length > 65536) return fail(422, 'Body is too long (maximum is 65536 characters)');
        return send(201, commentJson(gh.addComment(issue, who.login, text)));
      }
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(p))) {
      const c = comments.find((x) => x.id === Number(m![1]));
      if (!c) return fail(404, 'Not Found');
      if (method === 'GET') return send(200, commentJson(c));
      if (method === 'PATCH') {
        // GitHub lets only the author (or a maintainer token) edit; the action must never try.
        if (c.user.login !== who.login) return fail(403, 'Must have admin rights to Repository.');
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || !text) return fail(422, 'body is required');
        if (text.length > 65536) return fail(422, 'Body is too long (maximum is 65536 characters)');
        c.body = text;
        c.updated_at = new Date().toISOString();
        return send(200, commentJson(c));
      }
    }
    if (p === `${base}/labels`) {
      if (method === 'GET') return page([...labels].sort().map(labelJson));
      if (method === 'POST') {
        const name = (body as { name?: unknown })?.name;
        if (typeof name !== 'string' || !name) return fail(422, 'name is required');
        if ([...labels].some((l) => l.toLowerCase() === name.toLowerCase()))
          return fail(422, 'Validation Failed: already_exists');
        labels.add(name);
        return send(201, labelJson(name));
      }
    }
    if (p === `${base}/issues`) {
      if (method === 'GET') {
        // GitHub's issue list holds pull requests too (with a pull_request key); labels= is AND.
        const want = (query.labels ?? '').split(',').filter(Boolean);
        const state = query.state ?? 'open';
        const listed = issues.filter(
          (i) => (state === 'all' || i.state === state) && want.every((l) => i.labels.includes(l)),
        );
        const prs = want.length
          ? []
          : [...pulls.values()]
              .filter((pr) => state === 'all' || pr.state === state)
              .map((pr) => ({ ...issueJson({ ...prIssue(pr) }), pull_request: { url: pr.html_url } }));
        return page([...listed.map(issueJson), ...prs].sort((a, b) => b.number - a.number));
      }
      if (method === 'POST') {
        const b = (body ?? {}) as { title?: unknown; body?: unknown; labels?: unknown };
        if (typeof b.title !== 'string' || !b.title) return fail(422, 'title is required');
        const text = typeof b.body === 'string' ? b.body : '';
        if (text.length > 65536) return fail(422, 'Body is too long (maximum is 65536 characters)');
        const names = Array.isArray(b.labels)
          ? b.labels.filter((l): l is string => typeof l === 'string')
          : [];
        return send(
          201,
          issueJson(gh.addIssue({ login: who.login, title: b.title, body: text, labels: names })),
        );
      }
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)$`).exec(p))) {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return fail(404, 'Not Found');
      if (method === 'GET') return send(200, issueJson(issue));
      if (method === 'PATCH') {
        const b = (body ?? {}) as {
          title?: unknown;
          body?: unknown;
          state?: unknown;
          state_reason?: unknown;
        };
        if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed')
          return fail(422, 'state must be open or closed');
        if (typeof b.body === 'string' && b.body.length > 65536)
          return fail(422, 'Body is too long (maximum is 65536 characters)');
        if (typeof b.title === 'string' && b.title) issue.title = b.title;
        if (typeof b.body === 'string') issue.body = b.body;
        if (b.state === 'open' || b.state === 'closed') {
          issue.state = b.state;
          issue.state_reason =
            typeof b.state_reason === 'string' ? b.state_reason : b.state === 'closed' ? 'completed' : null;
        }
        issue.updated_at = new Date().toISOString();
        return send(200, issueJson(issue));
      }
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/commits/([0-9a-f]{7,40})/pulls$`).exec(p))) {
      return page((commitPulls.get(m[1]!) ?? []).map((n) => pulls.get(n)!));
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(p)) && method === 'DELETE') {
      const c = comments.find((x) => x.id === Number(m![1]));
      if (!c) return fail(404, 'Not Found');
      if (c.user.login !== who.login) return fail(403, 'Must have admin rights to Repository.');
      comments = comments.filter((x) => x !== c);
      return send(204, undefined);
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/pulls/(\\d+)/commits$`).exec(p))) {
      const n = Number(m[1]);
      if (!pulls.has(n)) return fail(404, 'Not Found');
      // GitHub lists at most 250 commits of a pull request, whatever the pages ask.
      return page((pullCommits.get(n) ?? []).slice(0, 250).map(commitJson));
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/collaborators/([^/]+)/permission$`).exec(p))) {
      const login = decodeURIComponent(m[1]!);
      const role = roles.get(login) ?? 'none';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return send(200, { permission, role_name: role, user: user(login) });
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/branches/([^/]+)$`).exec(p))) {
      const name = decodeURIComponent(m[1]!);
      const sha = branchHeads.get(name) ?? (name === gh.defaultBranch ? lastPushed : undefined);
      if (!sha) return fail(404, 'Branch not found');
      return send(200, { name, commit: { sha } });
    }
    if (
      method === 'GET' &&
      (m = new RegExp(`^${base}/compare/([0-9a-f]{7,40})\\.\\.\\.([0-9a-f]{7,40})$`).exec(p))
    ) {
      const files = comparisons.get(`${m[1]}...${m[2]}`) ?? [];
      return send(200, {
        status: 'ahead',
        files: files.map((filename) => ({ filename, status: 'modified' })),
      });
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/contents/(.+)$`).exec(p))) {
      const ref = query.ref ?? gh.defaultBranch;
      const text = files.get(`${ref}:${decodeURIComponent(m[1]!)}`);
      if (text === undefined) return fail(404, 'Not Found');
      return send(200, {
        type: 'file',
        encoding: 'base64',
        path: decodeURIComponent(m[1]!),
        content: Buffer.from(text, 'utf8').toString('base64'),
      });
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/pulls/(\\d+)$`).exec(p))) {
      const pr = pulls.get(Number(m[1]));
      return pr ? send(200, pr) : fail(404, 'Not Found');
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/pulls/(\\d+)/reviews$`).exec(p))) {
      const n = Number(m[1]);
      if (!pulls.has(n)) return fail(404, 'Not Found');
      return page(
        reviews
          .filter((r) => r.pull === n)
          .map((r) => ({
            id: r.id,
            user: r.user,
            body: r.body,
            state: r.state,
            commit_id: r.commit_id,
            submitted_at: r.submitted_at,
            html_url: `https://github.com/${fullName}/pull/${n}#pullrequestreview-${r.id}`,
          })),
      );
    }
    fail(404, 'Not Found');
  }

  const labelJson = (name: string) => ({ name, color: 'ededed', default: false });
  const issueJson = (i: IssueState) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map(labelJson),
    user: i.user,
    created_at: i.created_at,
    updated_at: i.updated_at,
    html_url: `https://github.com/${fullName}/issues/${i.number}`,
  });
  const prIssue = (pr: PullState): IssueState => ({
    number: pr.number,
    title: pr.title,
    body: '',
    state: pr.state,
    state_reason: null,
    labels: [],
    user: pr.user,
    created_at: '',
    updated_at: '',
  });

  const commitJson = (c: PullCommit) => ({
    sha: c.sha,
    author: c.author ? user(c.author) : null,
    committer: c.committer ? user(c.committer) : null,
    commit: { message: `commit ${c.sha.slice(0, 7)}` },
  });

  const commentJson = (c: CommentState) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    created_at: c.created_at,
    updated_at: c.updated_at,
    html_url: `https://github.com/${fullName}/pull/${c.issue}#issuecomment-${c.id}`,
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const defaultTokens = (): Map<string, Identity> =>
    new Map<string, Identity>([
      [DEFAULT_TOKEN, { login: BOT }],
      [READ_ONLY_TOKEN, { login: BOT, readOnly: true }],
    ]);

  const gh: GitHubServer = {
    url,
    owner,
    repo,
    fullName,
    defaultBranch: 'main',
    oidcUrl: `${url}/_oidc/token?api-version=2.0`,
    tokens: defaultTokens(),
    requests: [],
    oidcAudiences: [],
    addPull({ number, author, headSha, baseSha, headRef, forkOf, commits }) {
      const pr: PullState = {
        number,
        state: 'open',
        title: `Change ${number}`,
        user: user(author),
        head: { sha: headSha, ref: headRef ?? `change-${number}`, repo: { full_name: forkOf ?? fullName } },
        base: { sha: baseSha, ref: gh.defaultBranch, repo: { full_name: fullName } },
        merged_at: null,
        merge_commit_sha: null,
        html_url: `https://github.com/${fullName}/pull/${number}`,
      };
      pulls.set(number, pr);
      pullCommits.set(number, commits ?? [{ sha: headSha, author, committer: author }]);
      gh.associate(headSha, [number]);
      return pr;
    },
    setCommits(number, list) {
      pullCommits.set(number, list);
    },
    setPermission(login, role) {
      roles.set(login, role);
    },
    setFile(ref, path, content) {
      if (content === null) files.delete(`${ref}:${path}`);
      else files.set(`${ref}:${path}`, content);
    },
    merge(number, sha) {
      const pr = gh.pull(number);
      pr.state = 'closed';
      pr.merged_at = new Date().toISOString();
      pr.merge_commit_sha = sha;
      gh.associate(sha, [number]);
    },
    associate(sha, numbers) {
      commitPulls.set(sha, [...new Set([...(commitPulls.get(sha) ?? []), ...numbers])]);
      lastPushed = sha;
    },
    setBranchHead(branch, sha) {
      branchHeads.set(branch, sha);
    },
    setCompare(base, head, files) {
      comparisons.set(`${base}...${head}`, files);
    },
    addComment(issue, login, body, at) {
      const when = at ?? new Date().toISOString();
      const c: CommentState = {
        id: nextId++,
        issue,
        body,
        user: user(login),
        created_at: when,
        updated_at: when,
      };
      comments.push(c);
      return c;
    },
    addReview(pull, r) {
      const review: ReviewState = {
        id: nextId++,
        pull,
        user: user(r.login),
        state: r.state,
        commit_id: r.commitId,
        submitted_at: r.submittedAt ?? new Date().toISOString(),
        body: r.body ?? '',
      };
      reviews.push(review);
      return review;
    },
    comments: (issue) => comments.filter((c) => c.issue === issue),
    addIssue({ login, title, body: text, labels: names = [], state = 'open' }) {
      const now = new Date().toISOString();
      // Like GitHub, a label that does not exist yet is created with the issue.
      for (const n of names) if (![...labels].some((l) => l.toLowerCase() === n.toLowerCase())) labels.add(n);
      const issue: IssueState = {
        number: nextIssueNumber(),
        title,
        body: text,
        state,
        state_reason: state === 'closed' ? 'completed' : null,
        labels: [...new Set(names)],
        user: user(login),
        created_at: now,
        updated_at: now,
      };
      issues.push(issue);
      return issue;
    },
    issues: (label) => issues.filter((i) => label === undefined || i.labels.includes(label)),
    labels: () => [...labels].sort(),
    pull(number) {
      const pr = pulls.get(number);
      if (!pr) throw new Error(`no pull request #${number}`);
      return pr;
    },
    writes: () => gh.requests.filter((r) => !['GET', 'HEAD'].includes(r.method) && r.path !== '/_oidc/token'),
    reset() {
      pulls = new Map();
      commitPulls = new Map();
      comments = [];
      reviews = [];
      pullCommits = new Map();
      roles = defaultRoles();
      files = new Map();
      issues = [];
      labels = new Set();
      gh.requests.length = 0;
      gh.oidcAudiences.length = 0;
      gh.tokens = defaultTokens();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return gh;
}
