/**
 * `POST /Bulk` (RFC 7644 §3.7): reads the BulkRequest within the advertised limits, runs it through
 * the Bulk use case (services/bulk.ts: ordering by bulkId references, id substitution,
 * failOnErrors) and renders each outcome — location, version, or the SCIM error body.
 */
import type { Context, Hono } from 'hono';
import { bulkResponse, parseBulkRequest, type BulkOperationResult } from '../../core/messages/bulk.ts';
import { errorBody } from '../../core/messages/error-body.ts';
import { ScimError } from '../../core/scim-error.ts';
import type { BulkOutcome } from '../../services/bulk.ts';
import { etagOf } from '../../services/context.ts';
import { readJsonBody } from '../body.ts';
import type { AppEnv } from '../env.ts';
import { requestLog } from '../observe.ts';
import { toScimError } from '../render-error.ts';
import { locationOf } from './present.ts';
import { send, type ScimContext } from './scim-context.ts';

function render(c: Context<AppEnv>, setup: ScimContext, outcome: BulkOutcome): BulkOperationResult {
  const echo = { method: outcome.method, ...(outcome.bulkId === undefined ? {} : { bulkId: outcome.bulkId }) };
  if (outcome.ok) {
    const endpoint = outcome.type === 'User' ? setup.users : setup.groups;
    const location = locationOf(setup.baseUrl(c), endpoint, outcome.id);
    return { ...echo, status: outcome.status, location, ...(outcome.version === undefined ? {} : { version: etagOf(outcome.version) }) };
  }
  let scim = toScimError(outcome.error);
  if (scim === undefined) {
    requestLog(c).error({ err: outcome.error, bulkId: outcome.bulkId }, 'unexpected error in a bulk operation');
    scim = new ScimError(500, undefined, `The operation could not be completed; quote request id ${c.get('requestId')}`);
  }
  return { ...echo, status: scim.status, response: errorBody(scim) };
}

/** Registers `POST /Bulk` under `prefix`. */
export function registerBulkRoute(app: Hono<AppEnv>, setup: ScimContext, prefix: string): void {
  app.post(`${prefix}/Bulk`, async (c) => {
    const ctx = c.get('operation');
    const { bulkMaxOperations: maxOperations, bulkMaxPayloadBytes: maxPayloadSize } = setup.limits;
    const body = await readJsonBody(c.req.raw, { maxBytes: maxPayloadSize, limitName: 'bulk maxPayloadSize' });
    const request = parseBulkRequest(body.value, { maxOperations, maxPayloadSize, payloadSize: body.bytes, lenient: !(ctx.strict ?? false) });
    const outcomes = await setup.bulk.run(ctx, request);
    return send(c, 200, bulkResponse(outcomes.map((outcome) => render(c, setup, outcome))));
  });
}
