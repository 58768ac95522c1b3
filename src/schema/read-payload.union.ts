import { createUnionType } from 'type-graphql';
import { CustomerPromotions } from './customer-promotions.type';
import { InvalidInputError } from './invalid-input-error.type';
import { RateLimitedError, UpstreamUnavailableError } from './path-errors.type';
import { Promotion } from './promotion.type';
import {
  CustomerNotFoundError,
  InvalidProgramError,
  InvalidPromotionError,
  UpstreamError,
} from './upstream-errors.type';

export const CustomerPromotionsPayload = createUnionType({
  name: 'CustomerPromotionsPayload',
  description: "One page of the customer's promotions, or why there is none.",
  types: () =>
    [
      CustomerPromotions,
      InvalidInputError,
      CustomerNotFoundError,
      InvalidProgramError,
      UpstreamUnavailableError,
      RateLimitedError,
      UpstreamError,
    ] as const,
});

export const PromotionPayload = createUnionType({
  name: 'PromotionPayload',
  description: "The promotion's definition, or why there is none.",
  types: () =>
    [
      Promotion,
      InvalidInputError,
      InvalidProgramError,
      InvalidPromotionError,
      UpstreamUnavailableError,
      RateLimitedError,
      UpstreamError,
    ] as const,
});
