/**
 * Every element path of the MAGDA example answers, with how often it occurs, its attributes, its
 * children with their least and most occurrences per parent, the orders they appear in, and sample
 * values: what server/modules/magda/schemas/*.xsd must describe, so that nothing is missed.
 *
 *   node scripts/magda-example-paths.mjs [dir]     (default tests/fixtures/magda)
 */
import { XMLParser } from 'fast-xml-parser';
import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2] ?? new URL('../tests/fixtures/magda', import.meta.url).pathname;
const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, preserveOrder: true });
const info = new Map(); // path -> {children: Map name->{min,max}, orders:Set, attrs:Set, texts:Set, count}
function walk(nodes, path, file) {
  const names = [];
  for (const n of nodes) {
    const name = Object.keys(n).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '?xml') continue;
    names.push(name);
    const here = path + '/' + name;
    let i = info.get(here);
    if (!i) info.set(here, (i = { children: new Map(), orders: new Set(), attrs: new Set(), texts: new Set(), count: 0, files: new Set(), parentsWith: 0 }));
    i.count++;
    i.files.add(file);
    for (const a of Object.keys(n[':@'] ?? {})) if (!a.startsWith('@_xmlns') && !a.startsWith('@_xsi')) i.attrs.add(a.slice(2));
    const t = n[name]
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']).trim())
      .join('');
    if (t) i.texts.add(t.slice(0, 40));
    walk(n[name], here, file);
  }
  const p = info.get(path);
  if (p) {
    p.orders.add(names.filter((x, k) => names[k - 1] !== x).join(','));
    p.parentsWith++;
    const counts = {};
    for (const x of names) counts[x] = (counts[x] ?? 0) + 1;
    for (const [x] of p.children) if (!counts[x]) counts[x] = 0;
    for (const [x, c] of Object.entries(counts)) {
      const m = p.children.get(x) ?? { min: Infinity, max: 0, seen: 0 };
      m.min = Math.min(m.min, c);
      m.max = Math.max(m.max, c);
      m.seen++;
      p.children.set(x, m);
    }
  }
}
for (const f of readdirSync(dir).filter((f) => f.endsWith('.xml'))) walk(parser.parse(readFileSync(dir + '/' + f, 'utf8')), '', f);
// min fix: children never seen in a parent instance have min 0
for (const [path, i] of info) {
  for (const [c, m] of i.children) if (m.seen < i.parentsWith) m.min = 0;
  const kids = [...i.children].map(([c, m]) => `${c}{${m.min},${m.max}}`).join(' ');
  console.log(
    `${path}  n=${i.count} files=${i.files.size}${i.attrs.size ? ' @' + [...i.attrs].join(',') : ''}${kids ? '\n   kids: ' + kids : ''}${i.orders.size > 1 ? '\n   orders: ' + [...i.orders].join(' | ') : ''}${!kids && i.texts.size ? '\n   text: ' + [...i.texts].slice(0, 6).join(' | ') : ''}`,
  );
}
