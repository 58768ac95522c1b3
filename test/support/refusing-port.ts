/**
 * A port nothing listens on, for an unreachable API or Redis. Port 1 is below the kernel's
 * ephemeral range, so no server of a test running in parallel (all bind with listen(0))
 * can take it — as one can take a port released after listen(0), which once answered a
 * "nothing listens" test with another test's server.
 */
export const REFUSING_PORT = 1;
