/** The sandbox's public surface, as the gateway's tests import it. */
export * from '../../src/sandbox';
export * from '../../src/sandbox/admin-client';
