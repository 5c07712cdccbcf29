/** Writes docs/statistics/: one Markdown page per base set and an index, from the definitions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { statisticsDocumentationFiles } from '../server/modules/statistics/statistics.docs.ts';

const dir = new URL('../docs/statistics/', import.meta.url);
mkdirSync(dir, { recursive: true });
const files = statisticsDocumentationFiles();
for (const [name, text] of Object.entries(files)) writeFileSync(new URL(name, dir), text);
console.log(`docs/statistics/: ${Object.keys(files).length} files written`);
