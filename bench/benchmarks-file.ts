/**
 * BENCHMARKS.md by sections: a section is everything from its `## ` heading to the next one. A
 * bench that runs alone (`npm run bench -- --only x`, `npm run soak`) replaces its own section and
 * leaves the others as they are; the full `npm run bench` writes the file anew and carries over the
 * sections it does not measure itself (the soak, which takes ten minutes of its own).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('../BENCHMARKS.md', import.meta.url);

const current = () => (existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n');

/** The section that starts with `heading` (a prefix of its heading line), as it stands in the file, or null. */
export function sectionOf(heading: string): string | null {
  const text = current();
  const start = text.indexOf(heading);
  if (start < 0) return null;
  const end = text.indexOf('\n## ', start + 3);
  return (end < 0 ? text.slice(start) : text.slice(start, end + 1)).trimEnd() + '\n';
}

/** Writes `lines` in place of the section that starts with `heading`, or at the end when there is none. */
export function writeSection(heading: string, lines: string[]): void {
  const text = current();
  const start = text.indexOf(heading);
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + 3);
  const section = lines.join('\n').trimEnd() + '\n';
  writeFileSync(FILE, start < 0 ? `${text.trimEnd()}\n\n${section}` : text.slice(0, start) + section + (end < 0 ? '' : `\n${text.slice(end + 1)}`));
}

/** Writes the whole file. */
export function writeAll(text: string): void {
  writeFileSync(FILE, text);
}
