// Transitional: server.ts and test/security/limits.test.ts still import from here (issue 12).
export { buildGatewaySchema } from '../resolvers';
