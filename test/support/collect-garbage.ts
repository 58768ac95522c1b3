import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

/** A full garbage collection, without starting node with --expose-gc. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
