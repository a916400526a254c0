/**
 * Validation diagnostics and lint findings as workflow annotations. GitHub keeps at most 10 error
 * and 10 warning annotations per step, so the most severe come first and the rest are only
 * listed in the job summary.
 */
import * as core from '@actions/core';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { code, prose, table } from '../plan/md.js';

export const ANNOTATION_LIMIT = 10;

export interface Problem {
  severity: 'error' | 'warning' | 'notice';
  /** Workspace-relative path, as GitHub matches it against the diff. */
  file: string;
  line: number;
  col: number;
  title: string;
  message: string;
}

/** Joins a working-directory prefix and a repository-relative file. */
function inWorkspace(prefix: string, file: string): string {
  return prefix && prefix !== '.' ? `${prefix.replace(/\/$/, '')}/${file}` : file;
}

const RANK = { error: 0, warning: 1, notice: 2 } as const;

/** Every problem, most severe first, then by file and line. Pure. */
export function collectProblems(diagnostics: Diagnostic[], findings: Finding[], prefix = ''): Problem[] {
  const out: Problem[] = [
    ...diagnostics.map((d): Problem => ({
      severity: d.severity,
      file: inWorkspace(prefix, d.file),
      line: d.line,
      col: d.col,
      title: 'iam-gitops: invalid input',
      message: d.message,
    })),
    ...findings.map((f): Problem => ({
      severity: f.severity,
      file: inWorkspace(prefix, f.file),
      line: f.line,
      col: 0,
      title: `iam-gitops lint: ${f.rule}`,
      message: [f.user ? `user ${f.user}: ` : '', f.message, f.fix ? ` Fix: ${f.fix}` : ''].join(''),
    })),
  ];
  return out.sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.file.localeCompare(b.file) || a.line - b.line,
  );
}

/** Which problems get an annotation: the first ten of each severity. Pure. */
export function selectAnnotations(problems: Problem[]): Problem[] {
  const used = { error: 0, warning: 0, notice: 0 };
  return problems.filter((p) => used[p.severity]++ < ANNOTATION_LIMIT);
}

/** Emits the annotations; returns how many were emitted. */
export function annotate(problems: Problem[]): number {
  const chosen = selectAnnotations(problems);
  for (const p of chosen) {
    const props: core.AnnotationProperties = { title: p.title, file: p.file };
    if (p.line > 0) props.startLine = p.line;
    if (p.line > 0 && p.col > 0) props.startColumn = p.col;
    const emit = p.severity === 'error' ? core.error : p.severity === 'warning' ? core.warning : core.notice;
    emit(p.message, props);
  }
  return chosen.length;
}

/** The full list for the job summary (annotations show only the first ten per severity). */
export function problemsMarkdown(problems: Problem[]): string {
  if (!problems.length) return '';
  // File names and messages are repository text: through md.ts, like every other report.
  const rows = problems.map((p) => [
    p.severity,
    code(`${p.file}${p.line > 0 ? `:${p.line}` : ''}`),
    prose(p.message),
  ]);
  const hidden = problems.length - selectAnnotations(problems).length;
  return [
    `### Problems (${problems.length})`,
    hidden > 0 ? `\nGitHub shows ten annotations per severity; ${hidden} more are listed only here.\n` : '',
    table(['severity', 'where', 'message'], rows),
    '',
  ].join('\n');
}
