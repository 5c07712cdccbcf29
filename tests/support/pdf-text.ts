/**
 * The text of a PDF made by pdfkit with its standard fonts, for tests: every content stream
 * inflated, every string shown (TJ/Tj) decoded from WinAnsi, one fragment a line. Not a PDF
 * parser: enough to check which words a letter holds, without a dependency.
 */
import { inflateSync } from 'node:zlib';

/** WinAnsi bytes 0x80–0x9F that are not Latin-1. */
const WIN_ANSI: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x84: '„',
  0x85: '…',
  0x8c: 'Œ',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x9c: 'œ',
};
const decode = (bytes: Buffer) => [...bytes].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('');

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const contents: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = raw.indexOf('endstream', start);
    const body = Buffer.from(raw.slice(start, end), 'latin1');
    try {
      contents.push(inflateSync(body).toString('latin1'));
    } catch {
      contents.push(body.toString('latin1'));
    }
  }
  const lines: string[] = [];
  for (const content of contents) {
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
      if (op[1] !== undefined) {
        lines.push(
          [...op[1].matchAll(/<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\)/g)]
            .map((s) => (s[1] !== undefined ? decode(Buffer.from(s[1], 'hex')) : s[2]!.replace(/\\(.)/g, '$1')))
            .join(''),
        );
      } else if (op[2] !== undefined) lines.push(decode(Buffer.from(op[2], 'hex')));
      else lines.push(op[3]!.replace(/\\(.)/g, '$1'));
    }
  }
  return lines.join('\n');
}
