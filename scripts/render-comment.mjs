// Renders the pull request comments of test/helpers/conversation.ts (`examples()`) the way GitHub
// shows them, and screenshots them into docs/screenshots/: GitHub-flavoured Markdown (marked), a
// page styled like github.com's light theme at its comment width, headless Chromium.
//
//   node scripts/render-comment.mjs [out-dir]     (default docs/screenshots)
//
// Needs dist/data (`npm run build:data`) and Chromium (`apt-get install chromium`, or set CHROMIUM).
// Writes <name>.md and <name>.png per example (the HTML page only to a temporary directory).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Marked } from 'marked';

const out = path.resolve(process.argv[2] ?? 'docs/screenshots');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`error: no Chromium at ${chromium}; install it (apt-get install chromium) or set CHROMIUM`);
  process.exit(1);
}
if (!existsSync('dist/data')) {
  console.error('error: dist/data is missing; run `npm run build:data` first');
  process.exit(1);
}

// The examples are TypeScript: bundle them once with the same compiler the action uses.
const bundle = path.join('.tmp', 'ncc-examples');
rmSync(bundle, { recursive: true, force: true });
execFileSync(
  path.join('node_modules', '.bin', 'ncc'),
  ['build', 'test/helpers/conversation.ts', '-o', bundle, '--quiet', '--target', 'es2022'],
  { stdio: 'inherit' },
);
const { examples } = await import(pathToFileURL(path.resolve(bundle, 'index.js')).href);

// GitHub renders alerts (`> [!WARNING]`) as coloured boxes; marked does not, so do it here.
const ALERTS = {
  NOTE: ['#0969da', 'Note'],
  TIP: ['#1a7f37', 'Tip'],
  IMPORTANT: ['#8250df', 'Important'],
  WARNING: ['#9a6700', 'Warning'],
  CAUTION: ['#d1242f', 'Caution'],
};
const marked = new Marked({ gfm: true });
marked.use({
  renderer: {
    blockquote(token) {
      const html = this.parser.parse(token.tokens);
      const m = /^<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/.exec(html);
      if (!m) return `<blockquote>${html}</blockquote>`;
      const [colour, title] = ALERTS[m[1]];
      const rest = html.replace(m[0], '<p>').replace(/<p>\s*<\/p>/, '');
      return `<div class="alert" style="border-left-color:${colour}"><p class="alert-title" style="color:${colour}">${title}</p>${rest}</div>`;
    },
  },
});

const CSS = `
body { margin: 0; background: #fff; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.timeline { max-width: 900px; margin: 16px auto; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; }
.header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e;
  border-radius: 6px 6px 0 0; }
.header b { color: #1f2328; }
.body { padding: 16px; overflow-wrap: break-word; }
h3 { font-size: 1.25em; margin: 16px 0 8px; } h4 { font-size: 1em; margin: 24px 0 8px; }
h3:first-child { margin-top: 0; }
p, ul, table, pre, details, .alert { margin: 0 0 16px; }
ul { padding-left: 2em; } li + li { margin-top: 4px; }
code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #818b981f;
  padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; font-size: 85%; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 100%; }
table { border-collapse: collapse; display: block; max-width: 100%; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; } th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.alert { padding: 8px 16px; border-left: .25em solid; }
.alert-title { font-weight: 600; margin-bottom: 4px; }
.alert > :last-child { margin-bottom: 0; }
summary { cursor: pointer; } details > :not(summary) { margin-top: 8px; }
sub { color: #59636e; }
a { color: #0969da; text-decoration: none; }
`;

const page = (name, html) => `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title>
<style>${CSS}</style></head><body><div class="timeline"><div class="comment">
<div class="header"><b>github-actions</b> <span>bot</span> commented</div>
<div class="body">${html}</div></div></div></body></html>`;

// Chromium cannot size the page to its content: a height per example, enough for its first screen.
const HEIGHT = { 'plan-small': 850, 'plan-300-users': 2200, 'result-refused': 420, 'result-applied': 520 };

mkdirSync(out, { recursive: true });
const pages = mkdtempSync(path.join(tmpdir(), 'iam-gitops-pages-'));
for (const [name, markdown] of Object.entries(examples())) {
  writeFileSync(path.join(out, `${name}.md`), markdown);
  const htmlFile = path.join(pages, `${name}.html`);
  writeFileSync(htmlFile, page(name, marked.parse(markdown)));
  const profile = mkdtempSync(path.join(tmpdir(), 'iam-gitops-chromium-'));
  try {
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${path.join(out, `${name}.png`)}`,
        `--window-size=1000,${HEIGHT[name] ?? 2000}`,
        pathToFileURL(htmlFile).href,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${name}: ${path.relative(process.cwd(), path.join(out, `${name}.png`))}`);
}
rmSync(pages, { recursive: true, force: true });
