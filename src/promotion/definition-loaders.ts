/**
 * Definitions within one GraphQL request (DESIGN §8): one call per distinct promotion,
 * through a DataLoader per operation (one in all when tracing is off). The operations of a
 * batched request share the request's context, and each read's span must link the ones
 * that asked; the same promotion asked by two of them still makes one call, since
 * identical reads in flight share it (SharedReads).
 */
import DataLoader from 'dataloader';
import type { PromotionDefinition, PromotionKey, ReadResult } from '../domain/promotion-read';
import type { OperationTrace } from '../observability/observer';

export interface DefinitionLoader {
  /** `operation`: the asking operation's span when tracing is on. */
  load(key: PromotionKey, operation?: OperationTrace): Promise<ReadResult<PromotionDefinition>>;
}

type Load = (
  key: PromotionKey,
  operation: OperationTrace | undefined,
) => Promise<ReadResult<PromotionDefinition>>;

/** The loaders of one request over `load`, each made on its first use (mutations never pay for them). */
export function definitionLoaders(load: Load): DefinitionLoader {
  const loaders = new Map<
    string,
    DataLoader<PromotionKey, ReadResult<PromotionDefinition>, string>
  >();
  return {
    load: (key, operation) => {
      const id = operation?.spanId ?? '';
      let loader = loaders.get(id);
      if (loader === undefined) {
        loader = new DataLoader((keys) => Promise.all(keys.map((k) => load(k, operation))), {
          cacheKeyFn: (k) => `${k.programId}/${k.promotionId}`,
        });
        loaders.set(id, loader);
      }
      return loader.load(key);
    },
  };
}
