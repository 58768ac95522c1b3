/** The cluster script's finder, shared with the tests. */
export { freePort } from '../../scripts/cluster/free-port';
