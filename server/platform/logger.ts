/**
 * Logs are events with ids, never sentences with personal data. Every line passes through a
 * redaction that masks anything shaped like an INSZ, and known personal fields are removed.
 */
import pino, { type Logger } from 'pino';
import { redactInsz } from './identifiers/insz.ts';

const PERSONAL_KEYS = ['insz', 'familyName', 'givenNames', 'family_name', 'given_names', 'street', 'birthDate', 'birth_date', 'email', 'phone'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kbi' },
      redact: {
        paths: [...PERSONAL_KEYS, ...PERSONAL_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers.cookie'],
        censor: '[redacted]',
      },
      hooks: {
        // Free text (error messages, URLs) may still carry an INSZ: mask it on the way out.
        streamWrite: (line) => redactInsz(line),
      },
    },
    destination,
  );
}
