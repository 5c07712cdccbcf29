#!/usr/bin/env node
// Module boundaries without cycles: dependency-cruiser (.dependency-cruiser.cjs) refuses cycles
// between files; this refuses them between modules (server/modules/<m>), where two files can each
// import a public file of the other's module without a file cycle. Run by `npm run lint` in CI.
import { cruise } from 'dependency-cruiser';

const { output } = await cruise(['server'], { tsPreCompilationDeps: true, moduleSystems: ['es6'], exclude: { path: '\\.test\\.ts$' } });
const moduleOf = (path) => /^server\/modules\/([^/]+)\//.exec(path)?.[1] ?? null;
// The dossier's clusters.ts is the one description of the data (it imports no module): reading it
// is reading a schema, not depending on the dossier module's behaviour.
const SHARED_DESCRIPTIONS = new Set(['server/modules/dossier/clusters.ts']);
const edges = new Map();
for (const file of output.modules) {
  const from = moduleOf(file.source);
  if (!from) continue;
  for (const dep of file.dependencies) {
    const to = moduleOf(dep.resolved);
    if (!to || to === from || SHARED_DESCRIPTIONS.has(dep.resolved)) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    edges.get(from).set(to, `${file.source} → ${dep.resolved}`);
  }
}
// A depth-first search that reports each cycle once, with one import that makes each of its steps.
const cycles = [];
const state = new Map();
function visit(m, stack) {
  state.set(m, 'open');
  stack.push(m);
  for (const to of edges.get(m)?.keys() ?? []) {
    if (state.get(to) === 'open') cycles.push(stack.slice(stack.indexOf(to)).concat(to));
    else if (!state.has(to)) visit(to, stack);
  }
  stack.pop();
  state.set(m, 'done');
}
for (const m of [...edges.keys()].sort()) if (!state.has(m)) visit(m, []);
if (cycles.length) {
  for (const cycle of cycles) {
    console.error(`module cycle: ${cycle.join(' → ')}`);
    for (let i = 0; i < cycle.length - 1; i++) console.error(`    ${edges.get(cycle[i]).get(cycle[i + 1])}`);
  }
  process.exit(1);
}
console.log(`no cycles between ${new Set([...edges.keys(), ...[...edges.values()].flatMap((e) => [...e.keys()])]).size} modules`);
