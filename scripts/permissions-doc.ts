/** Writes docs/permissions.md from the access rule book. */
import { writeFileSync } from 'node:fs';
import { renderPermissions } from '../server/modules/access/access.docs.ts';

writeFileSync(new URL('../docs/permissions.md', import.meta.url), renderPermissions());
console.log('docs/permissions.md written');
