/**
 * Change notices in the demo world (the showcase of issue 14, for issue 16's screen): the demo
 * OCMW's webhook, registered by the demo administrator, and a stand-in for the OCMW's system while
 * the showcase is made — a receiver in this process that checks every delivery with the helper
 * partners get (readWebhook) — so that *Beheer → Wijzigingsberichten* shows, on the first start,
 * deliveries that went through (several events each), deliveries the partner refused and the
 * dead letter they left, and a webhook that fails now, with events waiting. The real relay makes
 * every attempt; nothing is written to its tables by hand.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestContext } from '../../platform/access.ts';
import type { Deps } from '../../platform/deps.ts';
import { createLogger } from '../../platform/logger.ts';
import { setEndpoint } from './notifications.service.ts';
import { startRelay, type RelaySettings } from './notifications.relay.ts';
import { readWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './verify.ts';

/** Where the demo OCMW's system would be: a name that resolves nowhere (RFC 2606), so the live worker keeps failing to reach it. */
export const DEMO_OCMW_WEBHOOK = 'https://webhooks.ocmw-demo.invalid/kbi/wijzigingsberichten';

/** Quick back-offs (the showcase waits for them); failing after one failed attempt. */
const SETTINGS: RelaySettings = { pollMs: 60_000, timeoutMs: 2000, retrySeconds: 86_400, backoffMs: 10, maxBackoffSeconds: 1, leaseSeconds: 10, alertAfter: 1 };

export interface DemoWebhook {
  /**
   * Delivers what waits for the OCMW. With `refuseType` its system answers 422 to every delivery
   * that carries an event of that type, and such an event is given up at once (a dead letter); the
   * others go through.
   */
  deliver(options?: { refuseType?: string }): Promise<void>;
  /** The OCMW's system goes away: the next delivery fails (the webhook is failing, its events wait), and its address becomes DEMO_OCMW_WEBHOOK. */
  goDown(): Promise<void>;
}

/**
 * Registers the demo OCMW's webhook as its administrator would, pointing at the stand-in receiver.
 * Null when the organisation has a webhook already (its secret is not known here).
 */
export async function demoWebhook(deps: Deps, administrator: RequestContext, organisationId: string): Promise<DemoWebhook | null> {
  let refuseType: string | null = null;
  let secret = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const check = readWebhook({
        secret,
        body: Buffer.concat(chunks),
        timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
      });
      if (!check.ok) res.writeHead(401).end();
      else if (refuseType !== null && check.events.some((e) => e.type === refuseType)) res.writeHead(422).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kbi/wijzigingsberichten`;
  const made = await setEndpoint(deps.db, administrator, organisationId, { url, mode: 'BOTH' });
  if (!made.secret) {
    await close();
    return null;
  }
  secret = made.secret;
  const endpointId = made.row.id as string;

  /** Events after the cursor, or one being retried. */
  const waiting = async () =>
    Boolean(
      await deps.db
        .selectFrom('notification_endpoints as e')
        .select('e.id')
        .where('e.id', '=', endpointId)
        .where((w) =>
          w.or([
            w('e.head_seq', 'is not', null),
            w.exists(
              w.selectFrom('outbox_events as o').select('o.seq').whereRef('o.organisation_id', '=', 'e.organisation_id').whereRef('o.seq', '>', 'e.cursor_seq'),
            ),
          ]),
        )
        .executeTakeFirst(),
    );

  return {
    async deliver(options = {}) {
      refuseType = options.refuseType ?? null;
      const relay = startRelay(deps, { ...SETTINGS, retrySeconds: refuseType ? 0 : SETTINGS.retrySeconds }, createLogger('silent'), { background: false });
      try {
        // Rounds until nothing waits; between them the back-off after a refusal (milliseconds here).
        for (let round = 0; round < 500 && (await waiting()); round++) {
          await relay.drain();
          await new Promise((r) => setTimeout(r, 15));
        }
      } finally {
        await relay.stop();
        refuseType = null;
      }
    },
    async goDown() {
      await close();
      const relay = startRelay(deps, SETTINGS, createLogger('silent'), { background: false });
      try {
        await relay.drain();
      } finally {
        await relay.stop();
      }
      await setEndpoint(deps.db, administrator, organisationId, { url: DEMO_OCMW_WEBHOOK });
    },
  };
}
