import { z } from 'zod';

const PLACEHOLDERS = ['{z}', '{x}', '{y}'];

/**
 * An XYZ raster tile URL template, such as `https://tile.example.org/{z}/{x}/{y}.png`: http(s),
 * with `{z}`, `{x}` and `{y}` and no other placeholder (a `{s}` subdomain would make the origin,
 * which the CSP must name, unknowable).
 */
export const tileUrlTemplateSchema = z
  .string()
  .max(500)
  .refine((template) => PLACEHOLDERS.every((p) => template.includes(p)), { error: 'expected a tile URL template with {z}, {x} and {y}' })
  .refine((template) => !/\{(?![zxy]\})/.test(template), { error: 'only {z}, {x} and {y} may appear in braces' })
  .refine((template) => /^https?:$/.test(parseTemplate(template)?.protocol ?? ''), { error: 'expected an http:// or https:// tile URL template' });

function parseTemplate(template: string): URL | undefined {
  try {
    return new URL(template.replace(/\{[zxy]\}/g, '0'));
  } catch {
    return undefined;
  }
}

/** The origin the tiles come from, for the Content-Security-Policy. */
export function tileOrigin(template: string): string {
  const url = parseTemplate(template);
  if (!url) throw new Error(`not a tile URL template: ${template}`);
  return url.origin;
}
