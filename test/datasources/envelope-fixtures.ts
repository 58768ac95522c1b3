/** The API's envelope and items, as the vendor's page documents them. */
export const issued = (entityId: number | string, issualId: string, earnedId?: string) => ({
  result: {
    entityType: 'CUSTOMER',
    entityId,
    promotionId: 57099,
    programId: 469,
    issualId,
    ...(earnedId === undefined ? {} : { earnedId }),
  },
  errors: [],
  warnings: [],
});
export const failed = (code: number, message: string) => ({
  errors: [{ status: false, code, message }],
  warnings: [],
});
export const envelope = (items: unknown[]) => ({
  response: items,
  totalCount: items.length,
  failureCount: 0,
});
