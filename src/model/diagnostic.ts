/** A problem in a user's files, reported as `file:line:col: severity: message`. */
export interface Diagnostic {
  /** Repository-relative path with forward slashes. */
  file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  line: number;
  /** 1-based; 0 when unknown. */
  col: number;
  severity: 'error' | 'warning';
  /** What is wrong and how to fix it, in one sentence or two. */
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col > 0 ? d.col : 1}` : d.file;
  return `${where}: ${d.severity}: ${d.message}`;
}
