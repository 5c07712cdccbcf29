/**
 * Record ids that sort in the order they were made (UUID version 7, RFC 9562: the time in
 * milliseconds, then a counter, then random bits). An import gives them to the records it writes in
 * one transaction (which share their recording time), so that "in the order recorded" keeps the
 * order of its source. Monotonic within a process. Not the default for records made one by one:
 * their recording times already order them, and random ids tell nothing of when a record was made.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

export function orderedId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else if (++seq > 0xfff) {
    lastMs++;
    seq = 0;
  }
  const b = randomBytes(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
