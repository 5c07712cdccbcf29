// A second reporter beside `spec` for the whole-suite run: at the end it prints the test files that
// took longest (wall time of each file's top-level tests, summed) so the next person who finds the
// suite slow knows where the time went instead of guessing. Used by scripts/test.mjs.
export default async function* timings(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const file = event.data.file.replace(`${process.cwd()}/`, '');
      perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 20);
  if (!slowest.length) return;
  const total = [...perFile.values()].reduce((a, b) => a + b, 0);
  yield `\nSlowest test files (sum of their top-level tests; all ${perFile.size} files: ${(total / 1000).toFixed(0)} s):\n`;
  for (const [file, ms] of slowest) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}
