/**
 * A stand-in for DISCIMUS, the education database that tells whether a pupil is enrolled in a
 * school, run as a process of its own so that KBI talks to it over real HTTP exactly as it talks to
 * the real endpoint (`KBI_DISCIMUS_URL`). Tests and the demo (`npm start`) start it; nothing of KBI
 * is imported here.
 *
 *   node --import tsx server/modules/discimus/simulator.ts --port 0 [--host 127.0.0.1] [--fail] [--exit-with-stdin]
 *
 * Prints `DISCIMUS simulator listening on http://HOST:PORT` once it listens (port 0 = any free port).
 *
 *   POST /enrolments {insz, schoolYear}   the enrolment of that pupil in that school year (200), 400 for bad input
 *   GET  /health                           {status: 'up' | 'down'}
 *   POST /admin/down, /admin/up            from now on answer every query with 503 (maintenance), or normally again
 *   POST /admin/delay {ms}                 wait this long before every answer (to make KBI's timeout fire)
 *   POST /admin/enrolment {insz, schoolYear, status}   change one pupil's status (a pupil enrols or leaves)
 *   GET  /admin/stats                      {queries}: how many enrolment queries it answered (200) so far
 *
 * The answer is deterministic: a hash of INSZ and school year decides. About 63 % are enrolled, the
 * share of seed 000 answer 2 for 2017 (6,153 of 9,716 cases "ingeschreven"); the others are
 * "uitgeschreven" (the two statuses of that table). Schools are fictitious. The INSZ is never
 * printed nor echoed in an answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const SCHOOLS = [
  { institutionNumber: '046557', name: 'Basisschool De Regenboog', postcode: '9000', municipality: 'Gent', level: 'BASIS' },
  { institutionNumber: '030452', name: 'Atheneum Zuid', postcode: '2018', municipality: 'Antwerpen', level: 'SECUNDAIR' },
  { institutionNumber: '118802', name: 'Sint-Jozefsinstituut', postcode: '3500', municipality: 'Hasselt', level: 'SECUNDAIR' },
  { institutionNumber: '027466', name: 'GO! Basisschool Het Kompas', postcode: '8000', municipality: 'Brugge', level: 'BASIS' },
  { institutionNumber: '035626', name: 'Stedelijk Lyceum Noord', postcode: '2060', municipality: 'Antwerpen', level: 'SECUNDAIR' },
  { institutionNumber: '012104', name: 'Vrije Basisschool Sint-Martinus', postcode: '3000', municipality: 'Leuven', level: 'BASIS' },
  { institutionNumber: '047118', name: 'OKAN-school Brussel', postcode: '1000', municipality: 'Brussel', level: 'SECUNDAIR' },
  { institutionNumber: '114603', name: 'Technisch Instituut Don Bosco', postcode: '1800', municipality: 'Vilvoorde', level: 'SECUNDAIR' },
] as const;

type Status = 'INGESCHREVEN' | 'UITGESCHREVEN';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    fail: { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

let down = args.fail;
let delayMs = 0;
let answered = 0;
const overrides = new Map<string, Status>();

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

function isSchoolYear(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{4}$/.test(v)) return false;
  const [a, b] = v.split('-').map(Number) as [number, number];
  return b === a + 1;
}

/** The enrolment DISCIMUS would report for this pupil and school year. */
function enrolment(insz: string, schoolYear: string) {
  const h = createHash('sha256').update(`${insz}|${schoolYear}`).digest();
  const status: Status = overrides.get(`${insz}|${schoolYear}`) ?? (h[0]! < 161 ? 'INGESCHREVEN' : 'UITGESCHREVEN');
  const school = SCHOOLS[h[1]! % SCHOOLS.length]!;
  const start = `${schoolYear.slice(0, 4)}-09-01`;
  const enrolledOn = addDays(start, h[2]! % 30);
  return {
    reference: randomUUID(),
    schoolYear,
    status,
    enrolled: status === 'INGESCHREVEN',
    enrolment:
      status === 'INGESCHREVEN'
        ? { ...school, enrolledOn, unenrolledOn: null }
        : { ...school, enrolledOn, unenrolledOn: addDays(enrolledOn, 30 + (h[3]! % 120)) },
    answeredAt: new Date().toISOString(),
    source: 'DISCIMUS simulator',
  };
}

async function body(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

const server = createServer(async (req, res) => {
  const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
  const input = req.method === 'POST' ? await body(req) : {};
  if (input === null) return send(res, 400, { error: 'the body must be a JSON object' });
  switch (route) {
    case 'GET /health':
      return send(res, 200, { status: down ? 'down' : 'up' });
    case 'GET /admin/stats':
      return send(res, 200, { queries: answered });
    case 'POST /admin/down':
      down = true;
      return send(res, 200, { status: 'down' });
    case 'POST /admin/up':
      down = false;
      return send(res, 200, { status: 'up' });
    case 'POST /admin/delay': {
      const ms = Number(input.ms);
      if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) return send(res, 400, { error: 'ms: a whole number of milliseconds' });
      delayMs = ms;
      return send(res, 200, { delayMs });
    }
    case 'POST /admin/enrolment': {
      if (
        typeof input.insz !== 'string' ||
        !/^\d{11}$/.test(input.insz) ||
        !isSchoolYear(input.schoolYear) ||
        !['INGESCHREVEN', 'UITGESCHREVEN'].includes(input.status as string)
      )
        return send(res, 400, { error: 'insz, schoolYear and status required' });
      overrides.set(`${input.insz}|${input.schoolYear}`, input.status as Status);
      return send(res, 200, { status: input.status });
    }
    case 'POST /enrolments': {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (down) return send(res, 503, { error: 'DISCIMUS is temporarily unavailable (maintenance)' });
      if (typeof input.insz !== 'string' || !/^\d{11}$/.test(input.insz)) return send(res, 400, { error: 'insz: 11 digits' });
      if (!isSchoolYear(input.schoolYear)) return send(res, 400, { error: 'schoolYear: YYYY-YYYY, consecutive years' });
      answered++;
      return send(res, 200, enrolment(input.insz, input.schoolYear));
    }
    default:
      return send(res, 404, { error: 'no such endpoint' });
  }
});

server.listen(Number(args.port), args.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(args.port);
  const host = args.host.includes(':') ? `[${args.host}]` : args.host;
  process.stdout.write(`DISCIMUS simulator listening on http://${host}:${port}${down ? ' (down)' : ''}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by a parent that holds our stdin: when the parent goes, so do we (even when it was killed).
if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
