/** The JSON body parsed by service-kit's body parser (its type augmentation is not visible from here). */
export function requestBody(ctx: { request: object }): unknown {
  return (ctx.request as { body?: unknown }).body;
}
