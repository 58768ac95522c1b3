/**
 * `GET /openapi.json`: every endpoint of the sandbox as OpenAPI 3.1 (DESIGN §8), so that
 * other tools can be pointed at it. Shapes as the vendor's pages document them.
 */
import { KINDS, MAX_MS } from './faults';
import { CUSTOMER_SOURCES } from './vendor-fields';

export const OPENAPI_PATH = '/openapi.json';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const idOf = { oneOf: [{ type: 'integer' }, { type: 'string' }] };
/** An id as the vendor's examples send it: a number, or a string of digits. */
const wholeNumber = { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d{1,15}$' }] };
const nullableString = { type: ['string', 'null'] };

const unauthorized = {
  description: 'Missing, invalid or expired credentials.',
  content: json(ref('PlatformError')),
};

function queryParam(name: string, schema: object, description: string, required = false) {
  return { name, in: 'query', required, description, schema };
}

/** The knobs of PUT /__sandbox/faults, from the sandbox's own list (faults.ts). */
const KIND_SCHEMAS = {
  rate: { type: 'number', minimum: 0, maximum: 1, description: 'A probability per call.' },
  milliseconds: { type: 'integer', minimum: 0, maximum: MAX_MS },
  seconds: { type: 'integer', minimum: 0, maximum: 3600 },
  limit: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: 1_000_000,
    description: 'null or 0: none.',
  },
};
const faultsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.entries(KINDS).map(([knob, kind]) => [knob, KIND_SCHEMAS[kind]]),
  ),
};

const schemas = {
  Faults: faultsSchema,
  VendorMessage: {
    type: 'object',
    required: ['status', 'code', 'message'],
    properties: {
      status: { type: 'boolean', const: false },
      code: { type: 'integer' },
      message: { type: 'string' },
    },
  },
  PlatformError: {
    type: 'object',
    description: 'A refusal before any work (401, 403 with errorCode 4000, 415, 429, 500, 503).',
    properties: { errorCode: { type: 'integer' }, message: { type: 'string' } },
  },
  BulkCustomer: {
    type: 'object',
    required: ['identifierValue'],
    properties: {
      identifierValue: { type: 'string' },
      source: { type: 'string', enum: [...CUSTOMER_SOURCES] },
    },
  },
  PromotionDetails: {
    type: 'object',
    required: ['programId'],
    properties: {
      programId: wholeNumber,
      promotionId: wholeNumber,
      promoIdentifier: { type: 'string' },
    },
  },
  EnrolAndEarnRequest: {
    type: 'object',
    required: ['type', 'bulkAction', 'promotionDetails', 'identifierName', 'customers'],
    properties: {
      type: { type: 'string', enum: ['CUSTOMER'] },
      bulkAction: { type: 'string', enum: ['ENROL', 'EARN'] },
      promotionDetails: ref('PromotionDetails'),
      identifierName: { type: 'string', enum: ['id', 'mobile', 'email'] },
      customers: { type: 'array', maxItems: 100, items: ref('BulkCustomer') },
    },
  },
  BulkEnvelope: {
    type: 'object',
    description: 'One item per customer, by position; a request-level error is one item.',
    required: ['response', 'totalCount', 'failureCount'],
    properties: {
      response: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            result: {
              type: 'object',
              properties: {
                entityType: { type: 'string' },
                entityId: { type: 'integer' },
                promotionId: { type: 'integer' },
                promoIdentifier: { type: 'string' },
                programId: { type: 'integer' },
                issualId: { type: 'string' },
                earnedId: { type: 'string' },
                revokedIssualId: idOf,
                revokedEarnIds: { type: 'array', items: { type: 'integer' } },
              },
            },
            errors: { type: 'array', items: ref('VendorMessage') },
            warnings: { type: 'array', items: ref('VendorMessage') },
          },
        },
      },
      totalCount: { type: 'integer' },
      failureCount: { type: 'integer' },
    },
  },
  RevokeRequest: {
    type: 'object',
    required: ['type', 'bulkAction', 'promotionDetails'],
    properties: {
      type: { type: 'string', enum: ['CUSTOMER'] },
      bulkAction: { type: 'string', enum: ['REVOKE_ENROL', 'REVOKE_EARN'] },
      promotionDetails: ref('PromotionDetails'),
      identifierName: { type: 'string', enum: ['id', 'mobile', 'email'] },
      customers: {
        type: 'array',
        maxItems: 100,
        items: {
          allOf: [ref('BulkCustomer')],
          properties: {
            earnIds: {
              type: 'array',
              items: wholeNumber,
              description: 'Earns to revoke (REVOKE_EARN); all when absent.',
            },
          },
        },
      },
    },
  },
  LookupErrors: {
    type: 'object',
    description: '8013 identifierName, 8015 customer not found, 8003 source; no page data.',
    required: ['errors'],
    properties: { errors: { type: 'array', items: ref('VendorMessage') } },
  },
  LookupRestriction: {
    type: 'object',
    properties: {
      kpi: { type: 'string' },
      maxLimit: { type: 'string' },
      currentCustomerUsage: { type: 'string' },
      limitOn: { type: 'string', enum: ['EVENT', 'CUSTOMER', 'PROMOTION'] },
      type: { type: 'string', enum: ['NON_PERIOD_BASED', 'PERIOD_BASED'] },
      periodType: { type: 'string' },
      periodUnit: { type: 'string', enum: ['DAILY', 'WEEKLY', 'MONTHLY'] },
    },
  },
  CustomerPromotion: {
    type: 'object',
    required: ['promotionId', 'promotionName', 'programId', 'active', 'pointsOfferType'],
    properties: {
      promotionId: { type: 'integer' },
      promotionName: { type: 'string' },
      programId: { type: 'integer' },
      startDate: { ...nullableString, description: 'ISO 8601.' },
      endDate: nullableString,
      identifier: nullableString,
      description: nullableString,
      active: { type: 'boolean' },
      eventName: nullableString,
      promotionMetadata: { type: 'array', items: { type: 'object' } },
      limits: {
        type: 'object',
        description: '-1 = no cap.',
        properties: {
          maxPointsPerEvent: { type: 'string' },
          pointsPerCustomer: { type: 'string' },
          numberOFTimesPerCustomer: { type: 'integer' },
          totalPointsInPromotion: { type: 'string' },
        },
      },
      customerUsage: {
        type: 'object',
        properties: {
          currentPointsPerCustomer: { type: 'string' },
          currentNumberOfTimesPerCustomer: { type: 'integer' },
          currentTotalPointsInPromotion: { type: 'string' },
        },
      },
      pointsOfferType: { type: 'string', enum: ['GENERIC', 'LOYALTY', 'LOYALTY_EARNING'] },
      promotionRestriction: {
        type: 'object',
        properties: {
          issualRestrictions: { type: 'array', items: ref('LookupRestriction') },
          earnRestrictions: { type: 'array', items: ref('LookupRestriction') },
          redemptionRestrictions: { type: 'array', items: ref('LookupRestriction') },
        },
      },
      customerPromotionTimelines: {
        type: 'array',
        description: 'Absent for GENERIC; [] when not enrolled. Times without offset are UTC.',
        items: {
          type: 'object',
          properties: {
            enrollmentId: { type: 'integer', description: "The enrolment's issualId." },
            enrollmentDate: { type: 'string' },
            enrollmentExpiryDate: { type: 'string' },
            enrollEventLogId: { type: 'integer' },
            issuedDetails: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  issualId: { type: 'integer', description: "The earn's earnedId." },
                  issualDate: { type: 'string' },
                  issualExpiryDate: { type: 'string' },
                  issualEventLogId: { type: 'integer' },
                  redeemedCount: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
  },
  PromotionData: {
    type: 'object',
    required: ['pageDetails', 'customerId', 'promotions'],
    properties: {
      pageDetails: {
        type: 'object',
        properties: {
          pageNumber: { type: 'integer' },
          pageSize: { type: 'integer' },
          totalEntries: { type: 'integer' },
          pageCount: { type: 'integer' },
        },
      },
      customerId: { type: 'integer' },
      promotions: { type: 'array', items: ref('CustomerPromotion') },
      warnings: { type: 'array', items: ref('VendorMessage') },
    },
  },
  Restriction: {
    type: 'object',
    required: ['name', 'value'],
    properties: {
      name: { type: 'string' },
      value: { type: 'integer', description: '-1 = no cap.' },
      type: { type: 'string' },
      periodType: { type: 'string' },
      periodUnit: { type: 'string' },
    },
  },
  PromotionDefinition: {
    type: 'object',
    required: ['id', 'name', 'programId', 'isActive', 'pointsOfferType'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      description: nullableString,
      promotionStatus: { type: 'string' },
      programName: { type: 'string' },
      programId: { type: 'integer' },
      startDate: nullableString,
      endDate: nullableString,
      identifier: nullableString,
      isActive: { type: 'boolean' },
      eventName: nullableString,
      allocatePointsOn: { type: 'string' },
      rulesetInfos: { type: 'array', items: { type: 'object' } },
      limits: {
        type: 'object',
        properties: {
          pointsPerCustomer: { type: 'integer' },
          numberOfTimesPerCustomer: { type: 'integer' },
          totalPointsInPromotion: { type: 'integer' },
          totalPointsPerEventLimit: { type: 'integer' },
        },
      },
      pointsOfferType: { type: 'string' },
      promotionRestrictions: {
        type: 'object',
        properties: {
          restrictions: {
            type: 'object',
            properties: {
              redemptionRestrictions: { type: 'array', items: ref('Restriction') },
              issualRestrictions: { type: 'array', items: ref('Restriction') },
              earnRestrictions: { type: 'array', items: ref('Restriction') },
              expiryRestrictions: { type: 'array', items: ref('Restriction') },
            },
          },
          isStackable: { type: 'boolean' },
          isConsideredForRanking: { type: 'boolean' },
        },
      },
    },
  },
  DefinitionEnvelope: {
    type: 'object',
    required: ['status'],
    properties: {
      status: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'integer' }, message: { type: 'string' } },
      },
      validationErrors: { type: ['object', 'null'] },
      data: { type: ['array', 'null'], items: ref('PromotionDefinition') },
    },
  },
};

const refusal = (description: string) => ({ description, content: json(ref('PlatformError')) });

const bulkResponses = (summary: string) => ({
  '200': { description: `${summary}: every item succeeded.`, content: json(ref('BulkEnvelope')) },
  '201': { description: 'Some items failed.', content: json(ref('BulkEnvelope')) },
  '400': { description: 'More than 100 customers (1060).', content: json(ref('BulkEnvelope')) },
  '401': unauthorized,
  '403': refusal('No write access (errorCode 4000).'),
  '413': refusal('A body over 1 MiB.'),
  '415': refusal('Content-Type is not application/json.'),
  '429': {
    ...refusal('The rateLimitRate fault: nothing was done; Retry-After says when to try again.'),
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
  },
  '500': {
    description:
      'Every item failed (the envelope), or the status500Rate fault (PlatformError, nothing was done).',
    content: json({ oneOf: [ref('BulkEnvelope'), ref('PlatformError')] }),
  },
  '503': refusal('More than maxConcurrent calls in flight (a fault): nothing was done.'),
});

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'promotion-gateway sandbox: an emulated loyalty promotion API',
      version: '1.0.0',
      description:
        'The endpoints the sandbox emulates, in the shapes the vendor documents, and its admin API under /__sandbox/.',
    },
    components: {
      securitySchemes: {
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'username:md5hex(password), base64-encoded.',
        },
        oauth: { type: 'apiKey', in: 'header', name: 'X-CAP-API-OAUTH-TOKEN' },
      },
      schemas,
    },
    security: [{ basic: [] }, { oauth: [] }],
    paths: {
      '/v2/promotion/bulk/enrolAndEarn': {
        post: {
          operationId: 'enrolAndEarn',
          summary: 'Enrol customers (ENROL) or issue a promotion to them (EARN), in bulk.',
          requestBody: { required: true, content: json(ref('EnrolAndEarnRequest')) },
          responses: bulkResponses('Enrolled or earned'),
        },
      },
      '/v2/promotion/bulk/revokeEnrolAndEarn': {
        post: {
          operationId: 'revokeEnrolAndEarn',
          summary: 'Revoke enrolments (REVOKE_ENROL) or earns (REVOKE_EARN), in bulk.',
          description:
            'Earns must be revoked before the enrolment; Direct Issue allows REVOKE_EARN only (8902); unknown or already revoked earnIds are 8903.',
          requestBody: { required: true, content: json(ref('RevokeRequest')) },
          responses: bulkResponses('Revoked'),
        },
      },
      '/v3/oauth/token/generate': {
        post: {
          operationId: 'generateToken',
          summary: 'An OAuth token for X-CAP-API-OAUTH-TOKEN.',
          security: [],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['key', 'secret'],
              properties: { key: { type: 'string' }, secret: { type: 'string' } },
            }),
          },
          responses: {
            '200': {
              description: 'A token.',
              content: json({
                type: 'object',
                properties: {
                  data: {
                    type: 'object',
                    properties: {
                      accessToken: { type: 'string' },
                      ttlSeconds: { type: 'integer' },
                    },
                  },
                  errors: { type: 'null' },
                },
              }),
            },
            '401': unauthorized,
          },
        },
      },
      '/v2/customers/lookup/promotionData': {
        get: {
          operationId: 'lookupPromotionData',
          summary: "A customer's promotions, limits, usage and enrolment/earn timelines.",
          parameters: [
            queryParam(
              'identifierName',
              { type: 'string', enum: ['mobile', 'email', 'externalId', 'id', 'cuid'] },
              'How the customer is identified.',
              true,
            ),
            queryParam('identifierValue', { type: 'string' }, 'The identifier.', true),
            queryParam(
              'source',
              { type: 'string', enum: [...CUSTOMER_SOURCES] },
              'Source of the customer.',
              true,
            ),
            queryParam(
              'promotionStatusForCustomer',
              {
                type: 'string',
                enum: ['AVAILABLE_TO_ENROL', 'AVAILABLE_TO_EARN', 'AVAILABLE_TO_REDEEM', 'EXPIRED'],
              },
              'Only promotions in this state for the customer.',
            ),
            queryParam('limit', { type: 'string', pattern: '^\\d+$' }, 'Page size, 0 to 100.'),
            queryParam('offset', { type: 'string', pattern: '^\\d+$' }, 'Start index.'),
            queryParam(
              'promotionType',
              { type: 'string', enum: ['GENERIC', 'DIRECT_ISSUE', 'ENROL_AND_ISSUE'] },
              'Only promotions of this type.',
            ),
            queryParam('programs', { type: 'string' }, 'Comma-separated program ids.'),
            queryParam(
              'fetchAllUsage',
              { type: 'string', enum: ['true', 'false'] },
              'Accepted; the demo promotions have no disabled redemption limits to add.',
            ),
            queryParam(
              'sourceType',
              { type: 'string', enum: ['UI', 'API', 'CAMPAIGN'] },
              'Accepted; the sandbox does not filter on it.',
            ),
          ],
          responses: {
            '200': { description: 'One page.', content: json(ref('PromotionData')) },
            '400': {
              description: '8013, 8015, 8003; 1101 for a program not of the org.',
              content: json(ref('LookupErrors')),
            },
            '401': unauthorized,
          },
        },
      },
      '/api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get': {
        get: {
          operationId: 'getPromotion',
          summary: "One promotion's definition.",
          parameters: [
            { name: 'programId', in: 'path', required: true, schema: { type: 'integer' } },
            { name: 'promotionId', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          responses: {
            '200': {
              description: 'status.code 200 and data with the one promotion.',
              content: json(ref('DefinitionEnvelope')),
            },
            '400': {
              description: 'status.code 4029 (promotion id invalid) or 2010 (program id invalid).',
              content: json(ref('DefinitionEnvelope')),
            },
            '401': unauthorized,
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document.',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
        },
      },
      ...adminPaths(),
    },
  };
}

function adminPaths(): Record<string, object> {
  const get = (operationId: string, summary: string) => ({
    get: {
      operationId,
      summary,
      tags: ['sandbox admin'],
      security: [],
      responses: { '200': { description: summary, content: json({ type: 'object' }) } },
    },
  });
  return {
    '/__sandbox/ledger': get('ledger', 'Every enrolment and earn done.'),
    '/__sandbox/calls': get('calls', 'Every enrolAndEarn call received.'),
    '/__sandbox/reads': get('reads', 'Every call of the read endpoints received.'),
    '/__sandbox/reset': {
      post: {
        operationId: 'reset',
        summary: 'State and faults back to the start; ids go on (the platform never reuses one).',
        tags: ['sandbox admin'],
        security: [],
        responses: { '200': { description: 'Reset.', content: json({ type: 'object' }) } },
      },
    },
    '/__sandbox/faults': {
      ...get('getFaults', 'The injected faults.'),
      put: {
        operationId: 'setFaults',
        summary: 'Change the injected faults.',
        tags: ['sandbox admin'],
        security: [],
        requestBody: { required: true, content: json(ref('Faults')) },
        responses: {
          '200': { description: 'The faults now.', content: json(ref('Faults')) },
          '400': { description: 'An invalid value.', content: json({ type: 'object' }) },
        },
      },
    },
  };
}
