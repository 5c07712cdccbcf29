/**
 * The module boundaries, checked in CI (`npm run lint`):
 * - no import cycles;
 * - platform/ is plumbing and imports no module;
 * - a module uses another module only through its public files: `<m>.service.ts` (its use-cases),
 *   `<m>.policy.ts` (its rules), `<m>.schemas.ts` (its API shapes) and `<m>.events.ts`; the
 *   dossier's `clusters.ts` is the one description of the data every module reads. Routes, queries,
 *   clients and helpers are a module's own.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle: move the shared part down (to platform/ or into one of the two).',
      severity: 'error',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'platform-imports-no-module',
      comment: 'platform/ is plumbing: it never imports a module (modules import platform).',
      severity: 'error',
      from: { path: '^server/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/modules/' },
    },
    {
      name: 'no-module-internals',
      comment: "A module reaches another only through that module's public files (service, policy, schemas, events; the dossier's clusters.ts).",
      severity: 'error',
      from: { path: '^server/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^server/modules/([^/]+)/',
        pathNot: ['^server/modules/$1/', '^server/modules/[^/]+/[a-z.-]*(service|policy|schemas|events)\\.ts$', '^server/modules/dossier/clusters\\.ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|web/dist)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
