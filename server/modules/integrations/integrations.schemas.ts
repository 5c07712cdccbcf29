/** The API shape of a declaration in the integration register, for every route that shows one. */
export const integrationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    organisationId: { type: 'string' },
    capacityCode: { type: 'string' },
    startsOn: { type: 'string' },
    endsOn: { type: ['string', 'null'] },
    version: { type: 'integer' },
    recordedAt: { type: 'string' },
    recordedBy: { type: 'string' },
  },
} as const;
