import { escapeHtml as e } from '../mail/render-mail.js';

/** Headers for every page this service serves: no script, no framing, no caching, and the token in the URL never leaves in a Referer. */
export const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title></head>
<body style="margin:0;background:#f3f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933;">
<main style="max-width:480px;margin:48px auto;padding:28px;background:#fff;border-radius:8px;">
<h1 style="font-size:22px;margin:0 0 16px;">${e(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const orderName = (orderNumber: string | null) => (orderNumber ? `order ${orderNumber}` : 'this order');

/**
 * The page a link in a mail opens: it asks before unsubscribing, because mail scanners and link
 * previews open links on their own; only the button (a POST) unsubscribes.
 */
export function confirmPage(token: string, orderNumber: string | null, alreadyUnsubscribed: boolean): string {
  if (alreadyUnsubscribed) return donePage(orderNumber);
  return page(
    `Stop emails about ${orderName(orderNumber)}?`,
    `<p style="line-height:24px;">You will get no more emails about ${e(orderName(orderNumber))}. The tracking link keeps working.</p>
<form method="post" action="unsubscribe?t=${e(encodeURIComponent(token))}">
<button type="submit" style="font-size:16px;padding:10px 20px;border:0;border-radius:6px;background:#0b6bcb;color:#fff;cursor:pointer;">Stop these emails</button>
</form>`,
  );
}

export function donePage(orderNumber: string | null): string {
  return page('You are unsubscribed', `<p style="line-height:24px;">You will get no more emails about ${e(orderName(orderNumber))}.</p>`);
}

export function errorPage(status: number, message: string): string {
  return page(status === 429 ? 'Too many requests' : 'This link does not work', `<p style="line-height:24px;">${e(message)}</p>`);
}
